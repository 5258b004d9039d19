"""The German catalogue is complete and compiled."""

import gettext
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "de" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def test_every_message_has_a_german_translation() -> None:
    catalogue = polib.pofile(str(PO))

    untranslated = [
        entry.msgid for entry in catalogue if not entry.obsolete and not entry.translated()
    ]
    assert untranslated == []
    assert len(catalogue) > 100


def test_compiled_catalogue_matches_the_source() -> None:
    compiled = gettext.GNUTranslations(MO.open("rb"))

    for entry in polib.pofile(str(PO)):
        if entry.obsolete:
            continue
        if entry.msgctxt:
            assert compiled.pgettext(entry.msgctxt, entry.msgid) == entry.msgstr, entry.msgid
        elif entry.msgid_plural:
            assert compiled.ngettext(entry.msgid, entry.msgid_plural, 1) == entry.msgstr_plural[0]
            assert compiled.ngettext(entry.msgid, entry.msgid_plural, 5) == entry.msgstr_plural[1]
        else:
            assert compiled.gettext(entry.msgid) == entry.msgstr, entry.msgid


def test_every_marked_string_in_the_code_is_in_the_catalogue(tmp_path: Path) -> None:
    if not shutil.which("xgettext"):
        pytest.skip("needs GNU gettext (Debian package gettext) to extract messages")
    project = tmp_path / "project"
    shutil.copytree(
        ROOT,
        project,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "tests", "bench", "media", "staticfiles", "*.sqlite3*", "node_modules"
        ),
    )
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "de", "--no-location"],
        cwd=project,
        check=True,
        capture_output=True,
    )
    extracted = {entry.msgid for entry in polib.pofile(str(project / PO.relative_to(ROOT)))}
    committed = {
        entry.msgid for entry in polib.pofile(str(PO)) if entry.translated() and not entry.obsolete
    }

    assert extracted - committed == set(), "run `make messages` and translate the new strings"
