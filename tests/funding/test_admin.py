"""The funding admin: budget in view, review checklist, decisions as buttons, exports."""

import csv
import io
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.admin import helpers
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from funding.admin import FundingYearFilter
from funding.models import FundingApplication, FundingYear, Payment
from funding.services import application_submit

from .conftest import IN_WINDOW

Status = FundingApplication.Status
D = Decimal
pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client: Client, officer: Any) -> Client:
    client.force_login(officer)
    return client


def change_url(application: FundingApplication) -> str:
    return reverse("admin:funding_fundingapplication_change", args=[application.pk])


LIST_URL = "admin:funding_fundingapplication_changelist"


def test_list_shows_requested_approved_paid_and_the_free_budget(
    staff: Client,
    approved: Callable[..., FundingApplication],
    in_review: Callable[..., FundingApplication],
    officer: Any,
) -> None:
    from funding.services import payment_record

    granted = approved()
    in_review(title="Noch offen")
    payment_record(
        application=granted,
        amount=D("5000.00"),
        paid_on=date(2026, 4, 1),
        kind=Payment.Kind.INSTALMENT,
        user=officer,
    )

    page = staff.get(reverse(LIST_URL)).content.decode()

    assert "1.300.000,00 €" in page  # budget
    assert "42.300,00 €" in page  # requested: two applications of 21,150
    assert "21.150,00 €" in page  # approved
    assert "5.000,00 €" in page  # paid
    assert "1.278.850,00 €" in page  # free
    assert "Bürger für unsere saubere Stadt" in page
    assert "Noch offen" in page


def test_list_queries_do_not_grow_with_the_number_of_applications(
    staff: Client, make_application: Callable[..., FundingApplication], coordinator: Any
) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert staff.get(reverse(LIST_URL)).status_code == 200
        return len(queries)

    for title in ("A", "B"):
        application_submit(
            application=make_application(title=title), user=coordinator, today=IN_WINDOW
        )
    few = count()
    for number in range(8):
        application_submit(
            application=make_application(title=f"Weiteres {number}"),
            user=coordinator,
            today=IN_WINDOW,
        )
    assert count() == few


def test_list_reads_the_funding_years_once(
    staff: Client, make_application: Callable[..., FundingApplication]
) -> None:
    """The year filter, the budget table and the page's order all name the funding years: one
    query reads them (FundingApplicationAdmin.funding_years)."""
    first = make_application(title="Projekt im ersten Jahr")
    later = FundingYear.objects.create(
        year=first.funding_year.year + 1,
        budget=Decimal("900000"),
        call_opens=date(first.funding_year.year, 9, 1),
        call_closes=date(first.funding_year.year, 10, 31),
    )
    make_application(title="Projekt im zweiten Jahr", funding_year=later)
    closed = FundingYear.objects.create(
        year=first.funding_year.year - 1,
        budget=Decimal("800000"),
        call_opens=date(first.funding_year.year - 2, 9, 1),
        call_closes=date(first.funding_year.year - 2, 10, 31),
        status=FundingYear.Status.CLOSED,
    )

    with CaptureQueriesContext(connection) as queries:
        response = staff.get(reverse(LIST_URL))
    assert response.status_code == 200
    reads = [q["sql"] for q in queries.captured_queries if 'FROM "funding_fundingyear"' in q["sql"]]
    assert len(reads) == 1, reads

    cl = response.context["cl"]
    (year_filter,) = [spec for spec in cl.filter_specs if isinstance(spec, FundingYearFilter)]
    newest_first = [later, first.funding_year, closed]
    assert year_filter.lookup_choices == [(year.pk, str(year)) for year in newest_first]
    assert [row.title for row in cl.result_list] == [
        "Projekt im zweiten Jahr",
        "Projekt im ersten Jahr",
    ]
    shown = [row["year"] for row in response.context["funding_years"]]
    assert shown == [later, first.funding_year]  # the closed year is not in the budget table

    one = staff.get(reverse(LIST_URL), {"funding_year__id__exact": closed.pk})
    assert [row["year"] for row in one.context["funding_years"]] == [closed]


def test_filters_by_kreis_and_police_directorate(
    staff: Client, make_application: Callable[..., FundingApplication], town: Any
) -> None:
    from municipalities.models import PoliceDirectorate

    from ..factories import DistrictFactory, MunicipalityFactory

    make_application(title="Großenhainer Projekt")
    elsewhere = MunicipalityFactory(
        name="Zwickau-Land",
        district=DistrictFactory(
            name="Landkreis Fern", police_directorate=PoliceDirectorate.objects.get(code="zwickau")
        ),
    )
    make_application(title="Fernes Projekt", municipality=elsewhere, consultation=None)

    by_kreis = staff.get(reverse(LIST_URL), {"kreis": town.district.key}).content.decode()
    assert "Großenhainer Projekt" in by_kreis
    assert "Fernes Projekt" not in by_kreis
    zwickau = PoliceDirectorate.objects.get(code="zwickau")
    by_pd = staff.get(reverse(LIST_URL), {"pd": zwickau.pk}).content.decode()
    assert "Fernes Projekt" in by_pd
    assert "Großenhainer Projekt" not in by_pd
    assert staff.get(reverse(LIST_URL), {"pd": "kein"}).status_code == 200


def test_review_checklist_then_approve_with_the_buttons(
    staff: Client,
    make_application: Callable[..., FundingApplication],
    coordinator: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    application = application_submit(
        application=make_application(), user=coordinator, today=IN_WINDOW
    )
    page = staff.get(change_url(application)).content.decode()
    assert "Prüfung beginnen" in page

    staff.post(reverse("admin:funding_start_review", args=[application.pk]))
    page = staff.get(change_url(application)).content.decode()
    assert "Sachliche Prüfung" in page
    assert "Rechnerische Prüfung" in page
    # Approving before the reviews is refused with a message.
    refused = staff.post(
        reverse("admin:funding_approve", args=[application.pk]),
        {"amount": "21150,00", "decided_on": "2026-01-10"},
        follow=True,
    )
    assert refused.status_code == 200
    assert "sachliche" in refused.content.decode()

    staff.post(reverse("admin:funding_factual_check", args=[application.pk]))
    staff.post(reverse("admin:funding_arithmetic_check", args=[application.pk]))
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            reverse("admin:funding_approve", args=[application.pk]),
            {"amount": "21150.00", "decided_on": "2026-01-10", "conditions": "Logo des LPR nutzen"},
            follow=True,
        )

    application.refresh_from_db()
    assert application.status == Status.APPROVED
    assert application.approved_amount == D("21150.00")
    assert application.factual_check_at
    assert application.arithmetic_check_at
    decision = application.decisions.get()
    assert decision.frozen_content["conditions"] == ["Logo des LPR nutzen"]
    assert "Bewilligt" in response.content.decode()
    page = staff.get(change_url(application)).content.decode()  # the letter is there now
    assert reverse("admin:funding_letter_download", args=[decision.pk]) in page
    letter = staff.get(reverse("admin:funding_letter_download", args=[decision.pk]))
    assert letter["Content-Type"] == "application/pdf"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"amount": "21150.01", "decided_on": "2026-01-10"}, "beantragt"),
        ({"amount": "abc", "decided_on": "2026-01-10"}, "Zahl"),
        ({"amount": "100", "decided_on": "morgen"}, "Datum"),
        ({"amount": "100", "decided_on": "2099-01-01"}, "Zukunft"),
    ],
)
def test_bad_input_in_the_decision_form_is_a_message_not_an_error(
    staff: Client, in_review: Callable[..., FundingApplication], data: dict[str, str], expected: str
) -> None:
    application = in_review()
    response = staff.post(
        reverse("admin:funding_approve", args=[application.pk]), data, follow=True
    )
    assert response.status_code == 200
    assert expected in response.content.decode()
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW
    assert application.funding_year.committed == 0


def test_a_transition_url_only_acts_on_post(
    staff: Client, in_review: Callable[..., FundingApplication]
) -> None:
    application = in_review()
    response = staff.get(reverse("admin:funding_reject", args=[application.pk]))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW


def test_a_submitted_application_is_read_only_in_the_admin(
    staff: Client, in_review: Callable[..., FundingApplication]
) -> None:
    application = in_review()
    page = staff.get(change_url(application))
    form = page.context["adminform"].form
    assert form.fields == {}
    assert not page.context["has_delete_permission"]
    staff.post(change_url(application), {"title": "Geändert", "_save": "1"})
    application.refresh_from_db()
    assert application.title == "Bürger für unsere saubere Stadt"


def test_late_acceptance_button(
    staff: Client, make_application: Callable[..., FundingApplication]
) -> None:
    application = make_application()
    page = staff.get(change_url(application)).content.decode()
    assert "Außerhalb des Antragszeitraums annehmen" in page or "verspätet" in page.lower()
    staff.post(
        reverse("admin:funding_accept_late", args=[application.pk]),
        {"reason": "Fristverlängerung wegen Hochwasser"},
    )
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert application.late_acceptance_reason == "Fristverlängerung wegen Hochwasser"


def test_bulk_approval_action_asks_first_and_stops_at_the_budget(
    staff: Client,
    in_review: Callable[..., FundingApplication],
    funding_year: FundingYear,
    django_capture_on_commit_callbacks: Any,
) -> None:
    funding_year.budget = D("50000.00")
    funding_year.save()
    applications = [in_review(title=f"Projekt {n}") for n in range(3)]
    selected = [str(a.pk) for a in applications]
    data = {"action": "approve_selected", helpers.ACTION_CHECKBOX_NAME: selected}

    confirm = staff.post(reverse(LIST_URL), data)
    page = confirm.content.decode()
    assert confirm.status_code == 200
    assert "63.450,00 €" in page
    assert "50.000,00 €" in page
    assert FundingApplication.objects.filter(status=Status.APPROVED).count() == 0

    with django_capture_on_commit_callbacks(execute=True):
        done = staff.post(
            reverse(LIST_URL), {**data, "confirm": "1", "decided_on": "2026-01-15"}, follow=True
        )

    assert FundingApplication.objects.filter(status=Status.APPROVED).count() == 2
    funding_year.refresh_from_db()
    assert funding_year.committed == D("42300.00")
    text = done.content.decode()
    assert "2 Anträge" in text
    assert "Haushaltsmittel" in text  # the third is refused with the reason


def test_bulk_rejection_needs_reasons(
    staff: Client, in_review: Callable[..., FundingApplication]
) -> None:
    application = in_review()
    data = {
        "action": "reject_selected",
        helpers.ACTION_CHECKBOX_NAME: [str(application.pk)],
        "confirm": "1",
        "decided_on": "2026-01-15",
        "reason": "",
    }
    page = staff.post(reverse(LIST_URL), data)
    assert page.status_code == 200
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW
    data["reason"] = "Kein Bezug zur Kriminalprävention."
    staff.post(reverse(LIST_URL), data)
    application.refresh_from_db()
    assert application.status == Status.REJECTED


def test_payment_and_proof_review_buttons(
    staff: Client, approved: Callable[..., FundingApplication], coordinator: Any
) -> None:
    from funding.services import proof_submit

    application = approved()
    response = staff.post(
        reverse("admin:funding_payment", args=[application.pk]),
        {"amount": "30000", "paid_on": "2026-03-01", "kind": "abschlag"},
        follow=True,
    )
    assert "21.150,00" in response.content.decode()  # only this much is still open
    staff.post(
        reverse("admin:funding_payment", args=[application.pk]),
        {"amount": "21150", "paid_on": "2026-03-01", "kind": "abschlag", "reference": "HH-4711"},
    )
    assert application.payments.get().reference == "HH-4711"
    lines = application.cost_lines.all()
    proof_submit(
        application=application,
        report="Alles umgesetzt.",
        actuals={line.pk: line.amount for line in lines},
        user=coordinator,
    )
    page = staff.get(change_url(application)).content.decode()
    assert "Alles umgesetzt." in page
    staff.post(reverse("admin:funding_proof_review", args=[application.pk]))
    application.refresh_from_db()
    assert application.status == Status.CLOSED
    assert application.proof.refund_amount == 0


def test_year_list_shows_budget_approved_paid_free(
    staff: Client, approved: Callable[..., FundingApplication], officer: Any
) -> None:
    from funding.services import payment_record

    payment_record(
        application=approved(),
        amount=D("4321.00"),
        paid_on=date(2026, 4, 1),
        kind=Payment.Kind.INSTALMENT,
        user=officer,
    )
    page = staff.get(reverse("admin:funding_fundingyear_changelist")).content.decode()
    assert "1.300.000,00 €" in page
    assert "1.278.850,00 €" in page
    assert "21.150,00 €" in page
    assert "4.321,00 €" in page  # paid
    assert "31.08.2025 – 15.10.2025" in page


def test_coordinators_have_no_admin(client: Client, coordinator: Any) -> None:
    client.force_login(coordinator)
    response = client.get(reverse(LIST_URL))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


# --- Exports


@pytest.fixture
def export_data(
    approved: Callable[..., FundingApplication], in_review: Callable[..., FundingApplication]
) -> list[FundingApplication]:
    return [
        approved(),
        in_review(title='=HYPERLINK("http://böse.example";"Klick")'),
    ]


def test_csv_export_is_german_and_safe(staff: Client, export_data: list[Any]) -> None:
    response = staff.get(reverse("admin:funding_export", args=[2026, "csv"]))
    assert response.status_code == 200
    assert "foerderjahr-2026" in response["Content-Disposition"]
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(content.lstrip("\ufeff")), delimiter=";"))
    header, *body = rows
    assert header[0] == "Aktenzeichen"
    by_title = {row[header.index("Projekttitel")]: row for row in body}
    granted = by_title["Bürger für unsere saubere Stadt"]
    assert granted[header.index("Bewilligt (EUR)")] == "21.150,00"
    assert granted[header.index("Beantragt (EUR)")] == "21.150,00"
    assert granted[header.index("Projektbeginn")] == "01.03.2026"
    # A title that looks like a formula stays text.
    assert '\'=HYPERLINK("http://böse.example";"Klick")' in by_title
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in body for cell in row)


def test_xlsx_export_has_numbers_and_no_formulas(staff: Client, export_data: list[Any]) -> None:
    from openpyxl import load_workbook

    response = staff.get(reverse("admin:funding_export", args=[2026, "xlsx"]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    approved_column = header.index("Bewilligt (EUR)") + 1
    title_column = header.index("Projekttitel") + 1
    values = {sheet.cell(row=r, column=title_column).value: r for r in range(2, sheet.max_row)}
    granted_row = values["Bürger für unsere saubere Stadt"]
    cell = sheet.cell(row=granted_row, column=approved_column)
    assert cell.value == 21150
    assert cell.data_type == "n"
    assert "€" in cell.number_format
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f", cell.value
    assert '\'=HYPERLINK("http://böse.example";"Klick")' in values
    # The sum row.
    assert sheet.cell(row=sheet.max_row, column=1).value == "Summe"


def test_export_actions_for_selected_applications(staff: Client, export_data: list[Any]) -> None:
    data = {
        "action": "export_csv",
        helpers.ACTION_CHECKBOX_NAME: [str(export_data[0].pk)],
    }
    response = staff.post(reverse(LIST_URL), data)
    assert response["Content-Type"].startswith("text/csv")
    content = response.content.decode("utf-8")
    assert "Bürger für unsere saubere Stadt" in content
    assert "HYPERLINK" not in content
    data["action"] = "export_xlsx"
    assert staff.post(reverse(LIST_URL), data)["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )


def test_export_of_an_unknown_format_or_year_is_404(staff: Client, funding_year: Any) -> None:
    assert staff.get(reverse("admin:funding_export", args=[2026, "pdf"])).status_code == 404
    assert staff.get(reverse("admin:funding_export", args=[1999, "csv"])).status_code == 404


def test_exports_need_staff(client: Client, coordinator: Any, funding_year: Any) -> None:
    client.force_login(coordinator)
    response = client.get(reverse("admin:funding_export", args=[2026, "csv"]))
    assert response.status_code == 302
