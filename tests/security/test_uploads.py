"""Uploaded files: checked by content and size, stored under names of the portal's own, kept out of
every folder that is served as static files, and handed out only by views that check access."""

import io
import struct
import subprocess
import sys
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from accounts.roles import Role
from asskomm.checks import media_outside_static
from asskomm.uploads import validate_pdf_upload
from funding.models import Attachment, FundingApplication
from municipalities.services import coordinator_assign

from ..factories import MunicipalityFactory, UserFactory
from ..funding.conftest import (  # noqa: F401 - fixtures
    consultation,
    coordinator,
    funding_year,
    make_application,
    town,
)

ROOT = Path(__file__).resolve().parent.parent.parent
NOT_A_PDF = "Die Datei ist kein PDF-Dokument"
ACTIVE = "Das PDF enthält Skripte oder eingebettete Dateien"
DAMAGED = "Das PDF ist nicht lesbar"


def clean_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def handmade_pdf(extra: bytes, *, packed: bool) -> bytes:
    """A one-page PDF whose /OpenAction is object 4 (``extra``), with an xref stream.

    ``packed`` puts object 4 into a Flate-compressed object stream: its bytes then appear
    nowhere in the file, which a byte search cannot see through but the parsed document can.
    """
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    }
    if packed:
        head = b"4 0 "
        body = zlib.compress(head + extra)
        objects[5] = (
            b"<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
            % (len(head), len(body))
            + body
            + b"\nendstream"
        )
    else:
        objects[4] = extra
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    xref_at = len(out)
    rows = [struct.pack(">BIH", 0, 0, 65535)]
    for number in range(1, 6):
        if number in offsets:
            rows.append(struct.pack(">BIH", 1, offsets[number], 0))
        elif number == 4:
            rows.append(struct.pack(">BIH", 2, 5, 0))
        else:
            rows.append(struct.pack(">BIH", 0, 0, 0))
    rows.append(struct.pack(">BIH", 1, xref_at, 0))
    table = b"".join(rows)
    out += (
        b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n"
        % len(table)
        + table
        + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_at
    )
    return bytes(out)


HARMLESS = b"<< /Type /Action /S /GoTo /D [3 0 R /Fit] >>"
HIDDEN = {
    "javascript": b"<< /Type /Action /S /JavaScript /JS (app.alert\\(1\\)) >>",
    "javascript, name escaped": b"<< /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>",
    "launch": b"<< /S /Launch /F (cmd.exe) >>",
    "launch, name escaped": b"<< /S /L#61unch /F (cmd.exe) >>",
    "import data": b"<< /S /ImportData /F (x.fdf) >>",
    "embedded file spec": b"<< /S /GoToE /T << /R /C /N (x) >> /F << /Type /Filespec "
    b"/F (x.exe) /EF << /F 3 0 R >> >> >>",
    "xfa form": b"<< /S /GoTo /D [3 0 R /Fit] /XFA [] >>",
}


def upload(data: bytes, name: str = "scan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def refused(data: bytes) -> str:
    with pytest.raises(ValidationError) as error:
        validate_pdf_upload(upload(data))
    return " ".join(error.value.messages)


# Content and size --------------------------------------------------------------------------------


def test_a_clean_pdf_is_accepted_with_its_bytes() -> None:
    data = clean_pdf()
    assert validate_pdf_upload(upload(data)) == data


@pytest.mark.parametrize("packed", [False, True], ids=["open", "object stream"])
def test_the_handmade_pdf_without_scripts_is_accepted(packed: bool) -> None:
    """The control for the hidden-script cases below: the same file, harmless, passes."""
    data = handmade_pdf(HARMLESS, packed=packed)
    assert validate_pdf_upload(upload(data)) == data


@pytest.mark.parametrize("packed", [False, True], ids=["open", "object stream"])
@pytest.mark.parametrize("kind", list(HIDDEN))
def test_scripts_launches_and_files_are_refused_however_written(kind: str, packed: bool) -> None:
    data = handmade_pdf(HIDDEN[kind], packed=packed)
    if packed:
        assert b"/JavaScript" not in data
        assert b"/Launch" not in data
        assert b"/EF" not in data

    assert ACTIVE in refused(data)


def test_javascript_and_attachments_added_by_a_pdf_library_are_refused() -> None:
    with_js = PdfWriter()
    with_js.add_blank_page(200, 200)
    script = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('x');"),
        }
    )
    with_js._root_object[NameObject("/OpenAction")] = with_js._add_object(script)
    with_file = PdfWriter()
    with_file.add_blank_page(200, 200)
    with_file.add_attachment("evil.exe", b"MZ\x90\x00")
    for writer in (with_js, with_file):
        buffer = io.BytesIO()
        writer.write(buffer)
        assert ACTIVE in refused(buffer.getvalue())


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", NOT_A_PDF),
        (b"MZ\x90\x00\x03\x00\x00\x00", NOT_A_PDF),
        (b"<html><body>kein PDF</body></html>", NOT_A_PDF),
        (b"PK\x03\x04 zip with a .pdf name", NOT_A_PDF),
        (b"%PDF-1.7\n" + bytes(range(256)) * 4, DAMAGED),
        (b"%PDF-1.4\n%%EOF\n", DAMAGED),
    ],
    ids=["empty", "exe", "html", "zip", "garbage after the header", "header only"],
)
def test_what_is_not_a_readable_pdf_is_refused_in_german(data: bytes, message: str) -> None:
    assert message in refused(data)


@pytest.mark.parametrize("cut", [20, 100, 200, 300, -30])
def test_a_truncated_pdf_is_refused(cut: int) -> None:
    assert DAMAGED in refused(clean_pdf()[:cut])


def test_a_password_protected_pdf_is_refused() -> None:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt("geheim", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)

    assert "passwortgeschützt" in refused(buffer.getvalue())


def test_the_size_limit_holds_by_size_and_by_content(settings: Any) -> None:
    settings.ASSKOMM_MAX_UPLOAD_BYTES = 2_000_000
    big = clean_pdf() + b"%" + b"x" * 2_100_000

    assert "zu groß (2,1 MB)" in refused(big)
    # A file object that claims a small size is still read no further than the limit.
    lying = File(io.BytesIO(big), name="scan.pdf")
    lying.size = 10
    with pytest.raises(ValidationError, match="zu groß"):
        validate_pdf_upload(lying)


# Names and places --------------------------------------------------------------------------------


def test_media_lies_outside_every_static_folder() -> None:
    media = Path(settings.MEDIA_ROOT).resolve()
    for folder in (settings.STATIC_ROOT, *settings.STATICFILES_DIRS, ROOT / "static"):
        folder = Path(folder).resolve()
        assert folder not in media.parents
        assert media != folder
        assert media not in folder.parents
    assert media_outside_static() == []


@pytest.mark.parametrize(
    "media",
    ["{static}/uploads", "{static}", "{project}/static/media", "{project}"],
)
def test_the_system_check_refuses_media_inside_static(
    media: str, settings: Any, tmp_path: Path
) -> None:
    settings.STATIC_ROOT = str(tmp_path / "static")
    settings.MEDIA_ROOT = media.format(static=settings.STATIC_ROOT, project=ROOT)

    errors = media_outside_static()

    assert [error.id for error in errors][:1] == ["asskomm.E102"]


def test_the_system_check_refuses_media_urls_under_static(settings: Any) -> None:
    settings.MEDIA_URL = "/static/media/"
    assert [error.id for error in media_outside_static()] == ["asskomm.E103"]


def multipart(fields: dict[str, str], filename: str, data: bytes) -> tuple[bytes, str]:
    """A multipart body written by hand: the test client would clean the file name itself."""
    boundary = "----asskommboundary7MA4YWxkTrZu0gW"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/pdf\r\n\r\n".encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


NASTY_NAMES = [
    "../../../../etc/passwd.pdf",
    "..\\..\\..\\windows\\win.ini.pdf",
    "/etc/cron.d/evil.pdf",
    "..",
    "Förderantrag – Anlage ✓ 𝔘 ß.pdf",
    "a" * 250 + ".pdf",
    "name\u202egnp.pdf",
    "CON.pdf",
    "%2e%2e%2fescape.pdf",
]


@pytest.mark.django_db
@pytest.mark.parametrize("filename", NASTY_NAMES)
def test_uploaded_names_never_choose_where_a_file_is_stored(
    client: Client,
    coordinator: Any,  # noqa: F811
    make_application: Callable[..., FundingApplication],  # noqa: F811
    filename: str,
) -> None:
    application = make_application()
    client.force_login(coordinator)
    body, content_type = multipart({"title": ""}, filename, clean_pdf())
    url = reverse("funding:step", args=[application.municipality.ags, application.pk, "anlagen"])

    response = client.post(url, body, content_type=content_type)

    assert response.status_code in (200, 302), response.content[-2000:]
    media = Path(settings.MEDIA_ROOT).resolve()
    for attachment in Attachment.objects.filter(application=application):
        stored = Path(attachment.file.path).resolve()
        assert media in stored.parents
        assert attachment.file.name.startswith(f"funding/{application.pk}/anlagen/")
        assert stored.suffix == ".pdf"
        assert ".." not in attachment.file.name
        assert 0 < len(attachment.title) <= 200
        assert "/" not in attachment.title
        assert "\\" not in attachment.title
    assert not Path("/etc/cron.d/evil.pdf").exists()
    assert list(ROOT.glob("*.pdf")) == []


@pytest.mark.django_db
def test_a_long_file_name_becomes_a_title_that_fits(
    coordinator: Any,  # noqa: F811
    make_application: Callable[..., FundingApplication],  # noqa: F811
) -> None:
    from funding.services import attachment_add

    application = make_application()
    name = "Beschluss des Stadtrates " * 9 + ".pdf"  # 229 characters, the model holds 200

    attachment = attachment_add(
        application=application, title="  ", upload=upload(clean_pdf(), name), user=coordinator
    )

    attachment.refresh_from_db()
    assert attachment.title == name[:200]


# Serving -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_no_url_serves_the_media_folder(client: Client, make_user: Callable[..., Any]) -> None:
    secret = Path(settings.MEDIA_ROOT) / "funding" / "1" / "anlagen" / "geheim.pdf"
    secret.parent.mkdir(parents=True, exist_ok=True)
    secret.write_bytes(b"%PDF-1.4 geheim")
    paths = [
        f"{settings.MEDIA_URL}funding/1/anlagen/geheim.pdf",
        "/media/funding/1/anlagen/geheim.pdf",
        f"/{settings.STATIC_URL.strip('/')}/../media/funding/1/anlagen/geheim.pdf",
        f"/{settings.STATIC_URL.strip('/')}/funding/1/anlagen/geheim.pdf",
    ]
    for path in paths[:2]:
        with pytest.raises(Resolver404):
            resolve(path)
    client.force_login(make_user(Role.ADMINISTRATION))
    for path in paths:
        response = client.get(path)
        assert response.status_code == 404, path
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert b"geheim" not in body


@pytest.mark.django_db
def test_attachments_are_handed_out_only_to_the_municipalitys_coordinators(
    client: Client,
    coordinator: Any,  # noqa: F811
    make_application: Callable[..., FundingApplication],  # noqa: F811
) -> None:
    from funding.services import attachment_add

    application = make_application()
    attachment = attachment_add(
        application=application, title="Beschluss", upload=upload(clean_pdf()), user=coordinator
    )
    url = reverse(
        "funding:attachment", args=[application.municipality.ags, application.pk, attachment.pk]
    )
    other = UserFactory(roles=[Role.COORDINATOR])
    neighbour = MunicipalityFactory()
    coordinator_assign(user=other, municipality=neighbour)
    foreign_url = reverse("funding:attachment", args=[neighbour.ags, application.pk, attachment.pk])

    assert client.get(url).status_code == 302  # to the login
    client.force_login(other)
    assert client.get(url).status_code == 404
    assert client.get(foreign_url).status_code == 404
    client.force_login(coordinator)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == clean_pdf()
    assert response["Content-Disposition"].startswith("attachment;")


PROD_REQUEST = """
import django, pathlib, sys
django.setup()
from django.test import Client, override_settings
from django.conf import settings
media = pathlib.Path(settings.MEDIA_ROOT)
(media / "agreements" / "1").mkdir(parents=True)
(media / "agreements" / "1" / "KV-2021-001.pdf").write_bytes(b"%PDF-1.4 geheim")
(pathlib.Path(settings.STATIC_ROOT) / "probe.txt").write_bytes(b"probe")
client = Client(HTTP_HOST="portal.example")
# The 404 page needs the collected manifest, which a real deployment has; WhiteNoise does not.
plain = {**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
paths = ("/static/probe.txt", "/media/agreements/1/KV-2021-001.pdf",
         "/static/../media/agreements/1/KV-2021-001.pdf", "/static/agreements/1/KV-2021-001.pdf",
         "/static/%2e%2e/media/agreements/1/KV-2021-001.pdf")
for path in paths:
    with override_settings(STORAGES=plain):
        response = client.get(path, secure=True)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    print(path, response.status_code, b"geheim" in body)
print(
    "finders",
    getattr(settings, "WHITENOISE_USE_FINDERS", False),
    getattr(settings, "WHITENOISE_ROOT", None),
)
"""


def test_production_serves_no_media_file(tmp_path: Path) -> None:
    """WhiteNoise serves the collected static files only; nothing routes to MEDIA_ROOT."""
    import os

    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CELERY_", "ASSKOMM_"))
    }
    (tmp_path / "static").mkdir()
    env.update(
        DJANGO_SETTINGS_MODULE="asskomm.settings.prod",
        DJANGO_SECRET_KEY="test-only-" + "x" * 60,
        DJANGO_ALLOWED_HOSTS="portal.example",
        DJANGO_MEDIA_ROOT=str(tmp_path / "media"),
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    result = subprocess.run(
        [sys.executable, "-c", PROD_REQUEST],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    assert lines[-1] == "finders False None"
    for line in lines[:-1]:
        path, status, leaked = line.split()
        assert leaked == "False", line
        assert status == ("200" if path.endswith("probe.txt") else "404"), line
