"""No text a user typed can make the PDF renderer read a local file or reach the network.

Every document the portal renders (cooperation agreement, decision letters, draft Lagebericht,
yearly report) is filled with injection payloads in every text field that reaches it: the
municipality's name, the agreement's texts, parties and signatories, the application's title,
the decision's reasons and conditions, council names, contact names, survey districts, sources,
attributions. Each PDF is then read back: it renders, embeds no file, the local HTTP server the
test started got no request, ``/etc/passwd`` is not in it, and the payloads are printed as text.

A second layer is checked too: even HTML that a template emitted unescaped (a template bug) and
the URL fetcher itself refuse files, the network and everything but the project's static files.
"""

import io
import logging
import subprocess
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.db import models
from pypdf import PdfReader

from asskomm.pdf import STATIC_ORIGIN, RefusedResource, render_pdf, static_url_fetcher_class

from ..agreements.conftest import lpr_contact, make_draft, release  # noqa: F401 - fixtures
from ..factories import DistrictFactory, MunicipalityFactory
from ..funding.conftest import (  # noqa: F401 - fixtures
    committed,
    consultation,
    coordinator,
    funding_year,
    in_review,
    make_application,
    town,
)

pytestmark = pytest.mark.django_db

PASSWD_MARKERS = ("root:x:0:0", "/bin/bash", "nologin")


class Recorder:
    """A local HTTP server that answers everything and remembers every request."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                recorder.requests.append(self.path)
                body = b"body { color: red }"
                self.send_response(200)
                self.send_header("Content-Type", "text/css")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_POST = do_GET  # noqa: N815

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str = "") -> str:
        return f"http://127.0.0.1:{self.port}/{path}"


@pytest.fixture
def server() -> Iterator[Recorder]:
    recorder = Recorder()
    recorder.thread.start()
    try:
        yield recorder
    finally:
        recorder.server.shutdown()
        recorder.server.server_close()


def payloads(server: Recorder) -> list[str]:
    """Every payload of the brief; the ones with a URL point at the recording server."""
    return [
        '<img src="file:///etc/passwd">',
        '<link rel="attachment" href="file:///etc/passwd">',
        f'<link rel="stylesheet" href="{server.url("css")}">',
        f'<img src="{server.url("img")}">',
        '<iframe src="file:///etc/passwd"></iframe>',
        '<object data="file:///etc/passwd"></object>',
        '<embed src="file:///etc/passwd">',
        '<a rel="attachment" href="file:///etc/passwd">a</a>',
        '<p style="background:url(file:///etc/passwd)">',
        f"<style>@import url({server.url('import')});</style>",
        "{{ 7*7 }}",
        "{% debug %}",
    ]


def fit(items: list[str], limit: int | None, start: int = 0) -> str:
    """As many payloads as fit into a field of ``limit`` characters, from ``start`` on."""
    rotated = items[start % len(items) :] + items[: start % len(items)]
    if limit is None:
        return " ".join(rotated)
    text = ""
    for item in rotated:
        candidate = f"{text} {item}".strip()
        if len(candidate) <= limit:
            text = candidate
    return text


def fill(instance: models.Model, names: list[str], items: list[str], start: int = 0) -> None:
    """Put payloads into the named text fields, as much as each field holds, and save."""
    for offset, name in enumerate(names):
        field = instance._meta.get_field(name)
        setattr(instance, name, fit(items, getattr(field, "max_length", None), start + offset))
    type(instance).objects.filter(pk=instance.pk).update(
        **{name: getattr(instance, name) for name in names}
    )


def squash(text: str) -> str:
    return "".join(text.split())


def read_back(data: bytes) -> tuple[PdfReader, str]:
    """The PDF checked for embedded files and attachments, with its text (poppler and pypdf)."""
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 1
    names = reader.trailer["/Root"].get("/Names", {})
    assert "/EmbeddedFiles" not in names
    for page in reader.pages:
        for annotation in page.get("/Annots", []) or []:
            assert annotation.get_object().get("/Subtype") != "/FileAttachment"
    assert b"/EmbeddedFile" not in data
    assert b"/FileAttachment" not in data
    poppler = subprocess.run(
        ["pdftotext", "-", "-"],  # noqa: S607 - poppler-utils, see DEVELOPERS.md
        input=data,
        capture_output=True,
        check=True,
    ).stdout.decode()
    text = poppler + "\n" + "\n".join(page.extract_text() for page in reader.pages)
    for marker in PASSWD_MARKERS:
        assert marker not in text
    return reader, text


def assert_printed_as_text(text: str, items: list[str]) -> None:
    flat = squash(text)
    for item in items:
        assert squash(item) in flat, item


@pytest.fixture
def watch(server: Recorder, caplog: pytest.LogCaptureFixture) -> Callable[[], None]:
    """After rendering: no request reached the server, the fetcher was never even asked."""
    caplog.set_level(logging.WARNING)

    def check() -> None:
        assert server.requests == []
        assert "PDF rendering refused" not in caplog.text

    return check


# The documents, filled with payloads -----------------------------------------------------------


def test_cooperation_agreement(
    make_draft: Callable[..., Any],  # noqa: F811
    release: Callable[..., Any],  # noqa: F811
    server: Recorder,
    watch: Callable[[], None],
) -> None:
    items = payloads(server)
    district = DistrictFactory()
    fill(district, ["name"], items, 1)
    place = MunicipalityFactory(district=district)
    fill(place, ["name", "official_name"], items, 2)
    agreement = make_draft(municipalities=[place])
    fill(
        agreement,
        [
            "signing_place",
            "guests_of_honour",
            "preamble",
            "goals",
            "tasks_municipality",
            "tasks_police",
            "tasks_lpr",
            "term_and_review",
        ],
        items,
    )
    for number, signatory in enumerate(agreement.signatories.all()):
        fill(signatory, ["person_name", "function", "organisation"], items, number)
    for measure in agreement.measures.all():
        fill(measure, ["description"], items)
    fill(agreement.lpr_contact, ["title", "first_name", "last_name", "function", "phone"], items)

    release(agreement)

    with agreement.documents.get().file.open("rb") as handle:
        _reader, text = read_back(handle.read())
    watch()
    assert_printed_as_text(text, items)
    assert "Kooperationsvereinbarung" in text


def test_decision_letters_grant_and_amendment(
    in_review: Callable[..., Any],  # noqa: F811
    town: Any,  # noqa: F811
    committed: Callable[[], Any],  # noqa: F811
    officer: Any,
    server: Recorder,
    watch: Callable[[], None],
) -> None:
    from funding.services import application_amend, application_approve

    items = payloads(server)
    fill(town, ["name"], items, 3)
    application = in_review(title=fit(items, 200, 4), recipient=fit(items, 200, 5))
    with committed():
        application_approve(
            application=application,
            amount=Decimal("20000.00"),
            decided_on=date(2026, 1, 20),
            conditions="\n".join(items),
            user=officer,
        )
    with committed():
        application_amend(
            application=application,
            amount=Decimal("19000.00"),
            reason=" ".join(items),
            decided_on=date(2026, 3, 2),
            conditions="\n".join(reversed(items)),
            user=officer,
        )

    letters = list(application.decisions.order_by("number"))
    assert [letter.kind for letter in letters] == ["zuwendung", "aenderung"]
    for letter in letters:
        assert letter.letter, "the letter was rendered"
        with letter.letter.open("rb") as handle:
            _reader, text = read_back(handle.read())
        assert_printed_as_text(text, items)
    watch()


def test_decision_letter_rejection(
    in_review: Callable[..., Any],  # noqa: F811
    committed: Callable[[], Any],  # noqa: F811
    officer: Any,
    server: Recorder,
    watch: Callable[[], None],
) -> None:
    from funding.services import application_reject

    items = payloads(server)
    application = in_review(title=fit(items, 200, 6))
    with committed():
        application_reject(
            application=application,
            reason="\n".join(items),
            decided_on=date(2026, 1, 20),
            user=officer,
        )

    letter = application.decisions.get()
    with letter.letter.open("rb") as handle:
        _reader, text = read_back(handle.read())
    watch()
    assert_printed_as_text(text, items)


def test_draft_lagebericht(officer: Any, server: Recorder, watch: Callable[[], None]) -> None:
    from analyses.models import AreaPopulation, CrimeFigure, Recommendation, SurveyBenchmark
    from analyses.report import build_report_pdf
    from analyses.services import analysis_create, survey_import

    from ..analyses.conftest import HEADER, csv_file, survey_rows

    items = payloads(server)
    kreis = DistrictFactory(key="14729")
    fill(kreis, ["name"], items, 1)
    place = MunicipalityFactory(ags="14729260", district=kreis)
    fill(place, ["name"], items, 2)
    analysis = analysis_create(
        title=fit(items, 200, 3),
        year=2021,
        municipalities=[place],
        user=officer,
        contractor=fit(items, 200, 4),
    )
    for key in ("14729260", "14729", "14"):
        for year in (2020, 2021):
            AreaPopulation.objects.create(area_key=key, year=year, population=25_000)
            CrimeFigure.objects.create(
                area_key=key,
                year=year,
                offence_group="insgesamt",
                cases=1_000 + year - 2020,
                source=fit(items, 200, year),
            )
    SurveyBenchmark.objects.create(
        item="sicher_nachts", share=Decimal("30.0"), year=2020, source=fit(items, 300, 5)
    )
    districts = [fit(items, 80, n) for n in range(3)]
    rows = [
        *survey_rows(30, district=districts[0], night=4),
        *survey_rows(30, start=100, district=districts[1], night=1),
        *survey_rows(30, start=200, district=districts[2], night=2),
    ]
    survey_import(analysis=analysis, upload=csv_file([HEADER, *rows]), user=officer)
    Recommendation.objects.create(
        analysis=analysis, number=1, title=fit(items, 200, 7), text="\n".join(items)
    )

    rendered, returned = build_report_pdf(analysis)

    assert returned == 90
    _reader, text = read_back(rendered.data)
    watch()
    assert_printed_as_text(text, items)


def test_yearly_report(server: Recorder, watch: Callable[[], None]) -> None:
    from agreements.models import CooperationAgreement
    from figures.exports import figures_data
    from figures.models import Boundary, BoundaryImport
    from figures.report import report_pdf
    from municipalities.models import PreventionCouncil

    items = payloads(server)
    kreis = DistrictFactory()
    fill(kreis, ["name"], items, 1)
    place = MunicipalityFactory(district=kreis)
    fill(place, ["name"], items, 2)
    council_name = fit(items, PreventionCouncil._meta.get_field("name").max_length, 3)
    council = PreventionCouncil.objects.create(
        name=council_name,
        level=PreventionCouncil.Level.MUNICIPALITY,
        status=PreventionCouncil.Status.ACTIVE,
        constituted_on=date(2022, 4, 20),
    )
    council.municipalities.set([place])
    agreement = CooperationAgreement.objects.create(
        number=1,
        number_year=2022,
        status=CooperationAgreement.Status.SIGNED,
        signed_on=date(2022, 6, 1),
        frozen_at=datetime(2022, 5, 1, tzinfo=UTC),
    )
    agreement.municipalities.set([place])
    source = BoundaryImport.objects.create(
        source="grenzen.geojson",
        sha256="0" * 64,
        attribution=fit(items, 300, 4),
        features=1,
        matched=1,
    )
    Boundary.objects.create(
        municipality=place,
        source=source,
        geometry={
            "type": "Polygon",
            "coordinates": [[[13, 51], [13.1, 51], [13.1, 51.1], [13, 51]]],
        },
        centroid_lat=Decimal("51.03"),
        centroid_lon=Decimal("13.06"),
    )
    day = date(2022, 12, 31)

    rendered = report_pdf(2022, figures_data(day))

    _reader, text = read_back(rendered.data)
    watch()
    # The map's names are SVG <title>s (tooltips, not printed); the lists print them as text.
    assert_printed_as_text(text, [council_name])
    assert squash(place.name) in squash(text)
    assert squash(kreis.name) in squash(text)
    assert squash(source.attribution) in squash(text)


# The second layer: HTML a template did not escape, and the fetcher itself ---------------------


def evil_html(server: Recorder) -> str:
    return (
        '<html lang="de"><head>'
        f'<link rel="stylesheet" href="{server.url("head.css")}">'
        '<link rel="attachment" href="file:///etc/passwd">'
        '<link rel="attachment" href="data:text/plain,geheim">'
        '<link rel="stylesheet" href="data:text/css,@import%20url(file:///etc/passwd);">'
        "<style>@import url(file:///etc/passwd);"
        f"@font-face {{ font-family: x; src: url({server.url('font')}) }}"
        "body { background: url(file:///etc/passwd) }</style>"
        "</head><body><p>Hallo</p>"
        '<img src="file:///etc/passwd">'
        f'<img src="{server.url("img")}">'
        '<img src="../../../../etc/passwd">'
        '<img src="/etc/passwd">'
        '<iframe src="file:///etc/passwd"></iframe>'
        '<object data="file:///etc/passwd"></object>'
        f'<object data="{server.url("object")}" type="image/svg+xml"></object>'
        '<embed src="file:///etc/passwd">'
        '<a rel="attachment" href="file:///etc/passwd">Anhang</a>'
        f'<a rel="attachment" href="{server.url("attachment")}">Anhang</a>'
        '<p style="background-image: url(file:///etc/passwd)">Stil</p>'
        f'<p style="background-image: url({server.url("style")})">Stil</p>'
        '<svg width="20" height="20"><image href="file:///etc/passwd" width="20" height="20"/>'
        f'<image href="{server.url("svg-image")}" width="20" height="20"/></svg>'
        '<img src="data:image/svg+xml,%3Csvg xmlns=%22http://www.w3.org/2000/svg%22%3E'
        "%3Cimage href=%22file:///etc/passwd%22 width=%2210%22 height=%2210%22/%3E"
        f"%3Cimage href=%22{server.url('nested')}%22 width=%2210%22 height=%2210%22/%3E"
        '%3C/svg%3E">'
        "</body></html>"
    )


def test_unescaped_html_still_reads_no_file_and_no_network(
    server: Recorder, settings: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    template_dir = tmp_path / "templates"
    template_dir.mkdir()
    (template_dir / "evil.html").write_text(evil_html(server))
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [template_dir]}]

    with caplog.at_level(logging.WARNING):
        rendered = render_pdf("evil.html", {})

    _reader, text = read_back(rendered.data)
    assert "Hallo" in text
    assert "geheim" not in text
    assert server.requests == []
    assert "PDF rendering refused a resource: file:///etc/passwd" in caplog.text
    assert f"PDF rendering refused a resource: {server.url('img')}" in caplog.text
    assert "PDF rendering refused a resource: data:text/plain" in caplog.text


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "file://localhost/etc/passwd",
        "http://127.0.0.1:1/",
        "https://169.254.169.254/latest/meta-data/",
        "ftp://example.org/x",
        "data:text/plain,geheim",
        "data:,geheim",
        "data:text/css,@import url(file:///etc/passwd);",
        "data:text/html,<p>x</p>",
        "data:application/pdf;base64,JVBERi0=",
        "data:font/woff2;base64,AAAA",
        f"{STATIC_ORIGIN}/static/../../../../etc/passwd",
        f"{STATIC_ORIGIN}/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        f"{STATIC_ORIGIN}/static//etc/passwd",
        f"{STATIC_ORIGIN}/static/%2Fetc%2Fpasswd",
        f"{STATIC_ORIGIN}/static/css/..%2F..%2F..%2Fasskomm%2Fsettings%2Fbase.py",
        f"{STATIC_ORIGIN}/static/..\\..\\asskomm\\settings\\base.py",
        f"{STATIC_ORIGIN}/static/css/pdf/document.css%00.png",
        f"{STATIC_ORIGIN}/etc/passwd",
        f"{STATIC_ORIGIN}/media/agreements/1/x.pdf",
        "https://static.asskomm.invalid@127.0.0.1/static/css/pdf/document.css",
        "https://static.asskomm.invalid.evil.example/static/css/pdf/document.css",
        "http://static.asskomm.invalid/static/css/pdf/document.css",
        "//static.asskomm.invalid/static/css/pdf/document.css",
        "css/pdf/document.css",
        "/etc/passwd",
    ],
)
def test_the_fetcher_refuses_everything_but_static_files(url: str) -> None:
    fetcher = static_url_fetcher_class()()

    with pytest.raises(RefusedResource):
        fetcher.fetch(url)


@pytest.mark.parametrize(
    ("url", "content_type"),
    [
        (f"{STATIC_ORIGIN}/static/css/pdf/document.css", "text/css"),
        (f"{STATIC_ORIGIN}/static/css/pdf/../pdf/document.css", "text/css"),
        ("data:image/png;base64,iVBORw0KGgo=", "image/png"),
        ("data:image/svg+xml,%3Csvg%20xmlns=%22http://www.w3.org/2000/svg%22/%3E", "image/svg+xml"),
        ("DATA:IMAGE/GIF;base64,R0lGODlh", "image/gif"),
    ],
)
def test_the_fetcher_serves_static_files_and_inline_images(url: str, content_type: str) -> None:
    """Static files as collected; ``data:`` only for images (nothing in them can be fetched)."""
    response = static_url_fetcher_class()().fetch(url)

    assert response.content_type == content_type
    assert response.read()


def test_the_server_would_have_seen_a_request(server: Recorder) -> None:
    """The control: the recording server does record, so zero requests above means something."""
    import urllib.request

    with urllib.request.urlopen(server.url("control"), timeout=5) as response:  # noqa: S310
        assert response.status == 200
    assert server.requests == ["/control"]
