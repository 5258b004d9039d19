"""The signature-ready PDF, read back as a signer and as a verifier would read it."""

import io
import logging

import pytest
from pypdf import PdfReader

from agreements.models import AgreedMeasure, Signatory
from asskomm.pdf import (
    STATIC_ORIGIN,
    RefusedResource,
    render_pdf,
    short_fingerprint,
    static_url_fetcher_class,
)

pytestmark = pytest.mark.django_db


def read(document) -> tuple[PdfReader, str]:
    with document.file.open("rb") as handle:
        data = handle.read()
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return reader, " ".join(text.split())


def test_pdf_carries_number_parties_signatories_and_umlauts(make_draft, release) -> None:
    agreement = make_draft(guests_of_honour="Staatsminister Prof. Dr. Roland Wöller")
    release(agreement)

    reader, text = read(agreement.documents.get())

    assert "Kooperationsvereinbarung" in text
    assert "KV-2021-001" in text
    assert "Große Kreisstadt Dippoldiswalde" in text
    assert "Polizeidirektion Dresden" in text
    for name in ("Kerstin Körner", "Peter Langer", "Sven Forkert"):
        assert name in text
    for word in (
        "Präambel",
        "Maßnahmen",
        "Überprüfung",
        "Sicherheitsgefühls",
        "Staatsminister Prof. Dr. Roland Wöller",
    ):
        assert word in text
    assert f"Seite 1 von {len(reader.pages)}" in text
    assert f"Seite {len(reader.pages)} von {len(reader.pages)}" in text


def test_pdf_has_one_empty_signature_field_per_signatory(make_draft, release) -> None:
    agreement = make_draft()
    release(agreement)

    reader, _text = read(agreement.documents.get())

    fields = reader.get_fields()
    signatures = {name: field for name, field in fields.items() if field.get("/FT") == "/Sig"}
    assert set(signatures) == {
        "Unterschrift 1 – Kerstin Körner",
        "Unterschrift 2 – Peter Langer",
        "Unterschrift 3 – Sven Forkert",
    }
    assert all("/V" not in field for field in signatures.values())  # empty: to be signed
    widgets = [
        annotation.get_object() for page in reader.pages for annotation in page.get("/Annots", [])
    ]
    assert sum(1 for widget in widgets if widget.get("/FT") == "/Sig") == 3


def test_pdf_carries_fingerprint_verification_url_and_metadata(
    make_draft, release, settings
) -> None:
    agreement = make_draft()
    release(agreement)

    reader, text = read(agreement.documents.get())

    assert short_fingerprint(agreement.content_fingerprint) in text
    assert agreement.content_fingerprint in text.replace(" ", "")
    assert f"{settings.SITE_URL}/pruefen/{agreement.content_fingerprint}/" in text.replace(" ", "")
    assert (
        reader.metadata.title
        == "Kooperationsvereinbarung KV-2021-001 – Große Kreisstadt Dippoldiswalde"
    )
    assert reader.metadata.author == "Landespräventionsrat Sachsen"
    assert reader.trailer["/Root"]["/Lang"] == "de"


def test_the_stored_file_hash_matches_the_file(make_draft, release) -> None:
    import hashlib

    agreement = make_draft()
    release(agreement)
    document = agreement.documents.get()

    with document.file.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == document.sha256


INJECTIONS = (
    '<img src="file:///etc/passwd">',
    '<link rel="attachment" href="file:///etc/passwd">',
    '<img src="http://169.254.169.254/latest/meta-data/">',
    "<style>@import url(file:///etc/shadow);</style>",
)


@pytest.mark.parametrize("payload", INJECTIONS)
def test_user_text_cannot_make_the_renderer_read_files_or_the_network(
    make_draft, release, payload, caplog
) -> None:
    agreement = make_draft(
        signing_place=payload,
        guests_of_honour=payload,
        preamble=payload,
        goals=payload,
        tasks_municipality=payload,
        tasks_police=payload,
        tasks_lpr=payload,
        term_and_review=payload,
    )
    agreement.signatories.update(person_name=payload, function=payload, organisation=payload)
    AgreedMeasure.objects.filter(agreement=agreement).update(description=payload)
    agreement.lpr_contact.__class__.objects.filter(pk=agreement.lpr_contact_id).update(
        first_name=payload, function=payload, phone=payload[:40]
    )

    with caplog.at_level(logging.WARNING):
        release(agreement)

    reader, text = read(agreement.documents.get())
    assert payload.split(">")[0].replace(" ", "") in text.replace(" ", "")  # printed as text
    assert "root:" not in text
    assert "/EmbeddedFiles" not in reader.trailer["/Root"].get("/Names", {})
    assert "PDF rendering refused" not in caplog.text  # escaped: never even asked for


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://169.254.169.254/latest/meta-data/",
        "https://example.org/style.css",
        f"{STATIC_ORIGIN}/static/../../../../etc/passwd",
        f"{STATIC_ORIGIN}/etc/passwd",
        "ftp://example.org/x",
    ],
)
def test_the_url_fetcher_refuses_everything_but_static_files(url) -> None:
    fetcher = static_url_fetcher_class()()

    with pytest.raises(RefusedResource):
        fetcher.fetch(url)


def test_the_url_fetcher_serves_the_projects_static_files() -> None:
    fetcher = static_url_fetcher_class()()

    response = fetcher.fetch(f"{STATIC_ORIGIN}/static/css/pdf/document.css")

    assert b"@page" in response.read()
    assert response.content_type == "text/css"


def test_a_template_asking_for_a_local_file_still_renders(caplog, settings, tmp_path) -> None:
    template_dir = tmp_path / "templates"
    template_dir.mkdir()
    (template_dir / "evil.html").write_text(
        '<html lang="de"><body><p>Hallo</p><img src="file:///etc/passwd">'
        '<link rel="attachment" href="file:///etc/hostname"></body></html>'
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [template_dir]}]

    with caplog.at_level(logging.WARNING):
        rendered = render_pdf("evil.html", {})

    assert rendered.pages == 1
    assert "PDF rendering refused a resource: file:///etc/passwd" in caplog.text
    reader = PdfReader(io.BytesIO(rendered.data))
    assert "/EmbeddedFiles" not in reader.trailer["/Root"].get("/Names", {})


def test_a_verbund_pdf_has_a_signature_field_for_each_municipality(make_draft, release) -> None:
    from ..factories import MunicipalityFactory

    towns = [
        MunicipalityFactory(name=name) for name in ("Auerbach/Vogtl.", "Lengenfeld", "Rodewisch")
    ]
    agreement = make_draft(municipalities=towns)
    Signatory.objects.filter(agreement=agreement, party=Signatory.Party.MUNICIPALITY).update(
        person_name="Bürgermeister"
    )
    release(agreement)

    reader, text = read(agreement.documents.get())

    assert len([f for f in reader.get_fields().values() if f.get("/FT") == "/Sig"]) == 5
    assert "Stadt Auerbach/Vogtl." in text
    assert "Stadt Rodewisch" in text


def test_pdfs_keep_their_look_with_collected_hashed_static_files(
    settings, tmp_path, make_draft, release
) -> None:
    """Production serves collected files with hashed names; the renderer must still find them."""
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.core.management import call_command

    settings.STATIC_ROOT = str(tmp_path / "static")
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    settings.STATICFILES_DIRS = []  # only the collected files remain
    assert staticfiles_storage.url("css/pdf/document.css") != "/static/css/pdf/document.css"
    agreement = make_draft()

    release(agreement)

    reader, text = read(agreement.documents.get())
    fonts = {
        str(font.get_object().get("/BaseFont"))
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any("Source-Sans-3" in font for font in fonts), fonts
    assert "Kooperationsvereinbarung KV-2021-001" in text
