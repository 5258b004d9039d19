"""``import_municipalities`` on the real Destatis file: complete, idempotent, never destructive."""

from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum

from municipalities.models import (
    AdministrativeAssociation,
    Consultation,
    District,
    Municipality,
    RegisterImport,
)

from .gv100ad import record, replace_territorial

pytestmark = pytest.mark.django_db

JAHNATAL, OSTRAU, ZSCHAITZ = "14522275", "14522450", "14522620"


def run_import(*args: str) -> str:
    out = StringIO()
    call_command("import_municipalities", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_import_builds_saxonys_register(gv100ad_path: Path) -> None:
    output = run_import(str(gv100ad_path), "--land", "14")

    assert Municipality.objects.count() == 418
    assert District.objects.count() == 13
    assert Municipality.objects.filter(district__police_directorate__code="goerlitz").count() == 110
    assert Municipality.objects.aggregate(total=Sum("population"))["total"] == 4_042_422
    assert output.strip().splitlines()[-1] == (
        "Gemeinden (Gebietsstand 30.11.2025): 418 angelegt, 0 aktualisiert, 0 unverändert, "
        "0 aufgelöst"
    )


def test_every_district_is_attached_to_its_police_directorate(gv100ad_path: Path) -> None:
    run_import(str(gv100ad_path), "--land", "14")

    by_directorate = dict(
        District.objects.values_list("key", "police_directorate__name").order_by("key")
    )
    assert by_directorate == {
        "14511": "Polizeidirektion Chemnitz",
        "14521": "Polizeidirektion Chemnitz",
        "14522": "Polizeidirektion Chemnitz",
        "14523": "Polizeidirektion Zwickau",
        "14524": "Polizeidirektion Zwickau",
        "14612": "Polizeidirektion Dresden",
        "14625": "Polizeidirektion Görlitz",
        "14626": "Polizeidirektion Görlitz",
        "14627": "Polizeidirektion Dresden",
        "14628": "Polizeidirektion Dresden",
        "14713": "Polizeidirektion Leipzig",
        "14729": "Polizeidirektion Leipzig",
        "14730": "Polizeidirektion Leipzig",
    }


def test_names_sorbian_names_and_bautzen_are_stored(gv100ad_path: Path) -> None:
    run_import(str(gv100ad_path))

    bautzen = Municipality.objects.get(ags="14625020")
    assert bautzen.official_name == "Bautzen / Budyšin, Stadt, Hochschulstadt / Wysokošulske město"
    assert bautzen.display_name == "Bautzen / Budyšin"
    assert Municipality.objects.exclude(sorbian_name="").count() == 42
    lohsa = Municipality.objects.get(ags="14625330")
    assert lohsa.sorbian_name == "Łaz"
    assert lohsa.association is None
    crostwitz = Municipality.objects.select_related("association").get(ags="14625080")
    assert crostwitz.association.name == "Am Klosterwasser"
    assert crostwitz.association.get_kind_display() == "Verwaltungsverband"
    assert AdministrativeAssociation.objects.count() == 70


def test_running_it_twice_changes_nothing(gv100ad_path: Path) -> None:
    run_import(str(gv100ad_path))
    history_rows = Municipality.history.count()

    output = run_import(str(gv100ad_path))

    assert (
        output.strip()
        .splitlines()[-1]
        .endswith("0 angelegt, 0 aktualisiert, 418 unverändert, 0 aufgelöst")
    )
    assert Municipality.history.count() == history_rows
    assert RegisterImport.objects.count() == 2


def test_csv_and_fixed_width_are_interchangeable(gv100ad_path: Path, shared_data_dir: Path) -> None:
    run_import(str(shared_data_dir / "sachsen_gemeinden.csv"), "--land", "14")

    output = run_import(str(gv100ad_path), "--land", "14")

    assert "0 angelegt, 0 aktualisiert, 418 unverändert, 0 aufgelöst" in output
    # The CSV's long district names survive; staff may rename a district just the same.
    assert District.objects.get(key="14612").name == "Landeshauptstadt Dresden"


def older_edition(gv100ad_bytes: bytes) -> bytes:
    """The 31.12.2022 edition as far as it matters here: before Jahnatal was formed.

    Ostrau and Zschaitz-Ottewig still exist in a Verwaltungsgemeinschaft Ostrau, Jahnatal does
    not, Chemnitz has a different population and Freital an older name.
    """
    lines = [
        line
        for line in gv100ad_bytes.decode().split("\n")
        if line
        and line[10:18] != JAHNATAL
        and not (line.startswith("50") and line[18:22] == "0275")
    ]
    lines.append(
        record(
            "50", "20251130", "14522", association="5120", name="Ostrau", seat="Ostrau", code="54"
        )
    )
    lines.append(
        record(
            "60",
            "20251130",
            OSTRAU,
            association="5120",
            name="Ostrau",
            code="64",
            area_ha=4612,
            population=3372,
            postcode="04749",
        )
    )
    lines.append(
        record(
            "60",
            "20251130",
            ZSCHAITZ,
            association="5120",
            name="Zschaitz-Ottewig",
            code="64",
            area_ha=2483,
            population=1328,
            postcode="04720",
        )
    )
    text = "\n".join(lines)
    text = text.replace("00000245618", "00000243105", 1)  # Chemnitz' population
    text = replace_territorial(text, "20221231")
    return (text + "\n").encode()


def test_newer_edition_updates_and_marks_merged_municipalities_dissolved(
    tmp_path: Path, gv100ad_path: Path, gv100ad_bytes: bytes
) -> None:
    old_file = tmp_path / "GV100AD_31122022.txt"
    old_file.write_bytes(older_edition(gv100ad_bytes))
    run_import(str(old_file), "--land", "14")
    assert Municipality.objects.count() == 419
    ostrau = Municipality.objects.get(ags=OSTRAU)
    Consultation.objects.create(municipality=ostrau, date=date(2020, 5, 4), kind="beratung")

    output = run_import(str(gv100ad_path), "--land", "14", "--dissolved-on", "2023-01-01")

    jahnatal = Municipality.objects.get(ags=JAHNATAL)
    for ags in (OSTRAU, ZSCHAITZ):
        dissolved = Municipality.objects.get(ags=ags)
        assert dissolved.dissolved_on == date(2023, 1, 1)
        assert dissolved.successor == jahnatal
    assert Municipality.objects.count() == 420  # nothing is ever deleted
    assert Consultation.objects.get().municipality.ags == OSTRAU
    assert Municipality.objects.get(ags="14511000").population == 245_618
    assert Municipality.objects.get(ags="14511000").population_date == date(2024, 12, 31)
    assert AdministrativeAssociation.objects.get(key="145225120").dissolved_on == date(2023, 1, 1)
    assert f"{OSTRAU} Ostrau → Nachfolger {JAHNATAL} Jahnatal" in output
    assert output.strip().splitlines()[-1] == (
        "Gemeinden (Gebietsstand 30.11.2025): 1 angelegt, 417 aktualisiert, 0 unverändert, "
        "2 aufgelöst"
    )
    assert (
        Municipality.history.filter(ags=OSTRAU)
        .first()
        .history_change_reason.startswith("Import des Gemeindeverzeichnisses")
    )


def test_successor_can_be_given_explicitly(
    tmp_path: Path, gv100ad_path: Path, gv100ad_bytes: bytes
) -> None:
    old_file = tmp_path / "old.txt"
    old_file.write_bytes(older_edition(gv100ad_bytes))
    run_import(str(old_file))

    run_import(str(gv100ad_path), "--successor", f"{ZSCHAITZ}=14522080")

    assert Municipality.objects.get(ags=ZSCHAITZ).successor.ags == "14522080"
    assert Municipality.objects.get(ags=OSTRAU).successor.ags == JAHNATAL


def test_older_edition_after_newer_is_refused(
    tmp_path: Path, gv100ad_path: Path, gv100ad_bytes: bytes
) -> None:
    run_import(str(gv100ad_path))
    old_file = tmp_path / "old.txt"
    old_file.write_bytes(older_edition(gv100ad_bytes))

    with pytest.raises(CommandError, match="älter"):
        run_import(str(old_file))

    assert not Municipality.objects.filter(ags=OSTRAU).exists()


def test_malformed_file_writes_nothing_at_all(tmp_path: Path, gv100ad_bytes: bytes) -> None:
    lines = gv100ad_bytes.split(b"\n")
    lines[700] = lines[700][:200]  # the file breaks only near its end
    broken = tmp_path / "kaputt.txt"
    broken.write_bytes(b"\n".join(lines))

    with pytest.raises(CommandError) as caught:
        run_import(str(broken))

    assert "Zeile 701" in str(caught.value)
    assert "nichts importiert" in str(caught.value)
    assert Municipality.objects.count() == 0
    assert District.objects.count() == 0
    assert RegisterImport.objects.count() == 0


def test_malformed_newer_file_leaves_existing_register_untouched(
    tmp_path: Path, gv100ad_path: Path, gv100ad_bytes: bytes
) -> None:
    run_import(str(gv100ad_path))
    before = list(Municipality.objects.values_list("ags", "name", "population").order_by("ags"))
    text = gv100ad_bytes.decode().replace("00000245618", "000002456X8", 1)
    broken = tmp_path / "kaputt.txt"
    broken.write_text(text)

    with pytest.raises(CommandError, match="Einwohner"):
        run_import(str(broken))

    assert (
        list(Municipality.objects.values_list("ags", "name", "population").order_by("ags"))
        == before
    )


def test_wrong_encoding_is_rejected_in_german(tmp_path: Path, gv100ad_bytes: bytes) -> None:
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes(gv100ad_bytes.decode().encode("latin-1", errors="replace"))

    with pytest.raises(CommandError, match=r"Zeile \d+: Die Datei ist nicht UTF-8-kodiert"):
        run_import(str(latin1))

    assert Municipality.objects.count() == 0


def test_key_outside_saxony_is_refused_with_land_14(tmp_path: Path, gv100ad_bytes: bytes) -> None:
    foreign = record(
        "60", "20251130", "16051000", association="0000", name="Erfurt, Stadt", code="61"
    )
    path = tmp_path / "mit_thueringen.txt"
    path.write_bytes(gv100ad_bytes + foreign.encode() + b"\n")

    with pytest.raises(CommandError, match="16051000"):
        run_import(str(path), "--land", "14")

    assert Municipality.objects.count() == 0


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="kann nicht gelesen werden"):
        run_import(str(tmp_path / "gibt-es-nicht.txt"))
