"""The admin lists at the scale of Germany (issue #9, bench/scale.py): their order comes from an
index, their filters offer a few links, and their queries do not grow with their rows."""

from typing import Any

import pytest
from django.db import connection, models
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agreements.models import CoachingProcess, CooperationAgreement
from analyses.models import SecurityAnalysis
from funding.models import FundingApplication, FundingDecision, Payment
from municipalities.admin import DISTRICTS_LISTED_AT_ONCE, district_choices
from municipalities.models import (
    Consultation,
    Contact,
    District,
    Municipality,
    PoliceDirectorate,
    PreventionCouncil,
    ServiceRequest,
    Topic,
)

from .factories import (
    ConsultationFactory,
    ContactFactory,
    DistrictFactory,
    MunicipalityFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client: Client, officer: Any) -> Client:
    client.force_login(officer)
    return client


def changelist(model: type[models.Model]) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def queries_for(client: Client, url: str, params: dict[str, Any] | None = None) -> tuple[int, Any]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(captured), response


# The order of each big list is an index's order ---------------------------------------------


def column(model: type[models.Model], term: str) -> str:
    """An ordering term as the column an index lists ("-pk" -> "-id", "-funding_year__year" ->
    "-funding_year": the year's row is reached through the foreign key the index starts with)."""
    descending, name = term.startswith("-"), term.lstrip("-")
    if "__" in name:  # walked through the (few) related rows in their order: no direction
        return name.split("__")[0]
    name = model._meta.pk.name if name == "pk" else model._meta.get_field(name).name
    return f"-{name}" if descending else name


def flipped(columns: list[str]) -> list[str]:
    return [name[1:] if name.startswith("-") else f"-{name}" for name in columns]


def matches(order: list[str], wanted: list[str]) -> bool:
    """``wanted`` reads off ``order``; a column walked through its related rows (no "-")
    matches either direction."""
    return len(order) >= len(wanted) and all(
        have == want or have.lstrip("-") == want for have, want in zip(order, wanted, strict=False)
    )


def index_orders(model: type[models.Model]) -> list[list[str]]:
    orders = [list(index.fields) for index in model._meta.indexes]
    orders += [
        list(constraint.fields)
        for constraint in model._meta.constraints
        if isinstance(constraint, models.UniqueConstraint) and constraint.condition is None
    ]
    return orders


@pytest.mark.parametrize(
    "model",
    [
        Municipality,
        Consultation,
        Contact,
        PreventionCouncil,
        ServiceRequest,
        CoachingProcess,
        CooperationAgreement,
        SecurityAnalysis,
        FundingApplication,
        FundingDecision,
        Payment,
    ],
    ids=lambda model: model._meta.model_name,
)
def test_the_default_order_of_each_list_is_an_index(staff_client: Client, model: Any) -> None:
    """The database reads a page of the list from an index instead of sorting every row: the
    list's complete order (with the "-pk" the admin adds) is the start of an index, read
    forwards or backwards."""
    response = staff_client.get(changelist(model))
    cl = response.context["cl"]
    ordering = cl.get_ordering(response.wsgi_request, cl.root_queryset)
    columns: list[str] = []
    for term in ordering:  # the first mention of a column decides its direction
        name = column(model, term)
        if name.lstrip("-") not in [known.lstrip("-") for known in columns]:
            columns.append(name)
    # A unique (number, version) orders completely: the "-pk" after it is never reached.
    served = [
        order
        for order in index_orders(model)
        for wanted in (columns, flipped(columns))
        if matches(order, wanted)
        or (matches(order, wanted[: len(order)]) and wanted[len(order) :] in (["-id"], ["id"]))
    ]
    assert served, f"{model.__name__}: no index for the order {columns}"


def test_the_application_list_keeps_its_order_newest_year_first_then_by_file_number(
    staff_client: Client,
) -> None:
    """Fetched in two steps (the ids of the page, then its rows): still in the list's order."""
    from funding.models import FundingYear

    years = {
        year: FundingYear.objects.create(
            year=year,
            budget=1_000_000,
            call_opens=f"{year - 1}-09-01",
            call_closes=f"{year - 1}-10-31",
        )
        for year in (2027, 2025, 2026)  # created out of order: the year decides, not the id
    }
    town = MunicipalityFactory()
    for year, numbers in ((2025, ["002", "001"]), (2027, ["", "001"]), (2026, ["001"])):
        for number in numbers:
            FundingApplication.objects.create(
                funding_year=years[year],
                municipality=town,
                title=f"{year}/{number or 'Entwurf'}",
                file_number=f"KP-{year}-{number}" if number else "",
            )

    response = staff_client.get(changelist(FundingApplication))

    titles = [application.title for application in response.context["cl"].result_list]
    assert titles == [
        "2027/Entwurf",
        "2027/001",
        "2026/001",
        "2025/001",
        "2025/002",
    ]


# Filters by Kreis: a few links, however many Kreise there are ---------------------------------


@pytest.fixture
def many_districts(db: None) -> PoliceDirectorate:
    """More Kreise than a filter lists at once (Germany has about 400), 3 of them in Zwickau."""
    zwickau = PoliceDirectorate.objects.get(code="zwickau")
    for number in range(DISTRICTS_LISTED_AT_ONCE + 5):
        DistrictFactory(
            name=f"Kreis {number:03d}", police_directorate=zwickau if number < 3 else None
        )
    return zwickau


def test_district_choices_are_all_kreise_of_a_land(db: None) -> None:
    for number in range(3):
        DistrictFactory(name=f"Kreis {number}")
    choices, narrowed = district_choices(None)
    assert not narrowed
    assert [name for _pk, name in choices] == sorted(
        District.objects.values_list("name", flat=True)
    )


def test_district_choices_of_germany_need_a_police_directorate(many_districts: Any) -> None:
    choices, narrowed = district_choices(None)
    assert narrowed
    assert choices == []

    choices, narrowed = district_choices(str(many_districts.pk))
    assert not narrowed
    assert {name for _pk, name in choices} == set(
        District.objects.filter(police_directorate=many_districts).values_list("name", flat=True)
    )

    chosen = District.objects.get(name="Kreis 010")
    choices, narrowed = district_choices(None, chosen.pk)
    assert choices == [(chosen.pk, "Kreis 010")]  # the Kreis already chosen stays in view


@pytest.mark.parametrize(
    ("model", "directorate"),
    [
        (Municipality, "district__police_directorate__id__exact"),
        (Consultation, "municipality__district__police_directorate__id__exact"),
        (Contact, "municipality__district__police_directorate__id__exact"),
        (PreventionCouncil, "municipalities__district__police_directorate__id__exact"),
        (CooperationAgreement, "municipalities__district__police_directorate__id__exact"),
        (CoachingProcess, "municipalities__district__police_directorate__id__exact"),
        (SecurityAnalysis, "municipalities__district__police_directorate__id__exact"),
        (FundingApplication, "pd"),
    ],
    ids=lambda value: getattr(getattr(value, "_meta", None), "model_name", value),
)
def test_a_list_offers_the_kreise_of_the_chosen_police_directorate(
    staff_client: Client, many_districts: Any, model: Any, directorate: str
) -> None:
    url = changelist(model)
    response = staff_client.get(url)
    assert "Kreis 010" not in response.content.decode()
    assert any(getattr(spec, "narrowed", False) for spec in response.context["cl"].filter_specs)

    response = staff_client.get(url, {directorate: many_districts.pk})
    page = response.content.decode()
    assert "Kreis 001" in page
    assert "Kreis 010" not in page
    assert not any(getattr(spec, "narrowed", False) for spec in response.context["cl"].filter_specs)


def test_the_kreis_filter_still_filters_and_costs_one_query(
    staff_client: Client, many_districts: Any
) -> None:
    kreis = District.objects.get(name="Kreis 010")
    here = ConsultationFactory(municipality=MunicipalityFactory(district=kreis))
    ConsultationFactory()
    url = changelist(Consultation)
    few, _response = queries_for(staff_client, url)

    count, response = queries_for(
        staff_client, url, {"municipality__district__id__exact": kreis.pk}
    )

    assert [row.pk for row in response.context["cl"].result_list] == [here.pk]
    assert count == few


# Queries of the lists with a column of municipalities: the same for 4 rows and for 12 --------


def make_rows(model: type[models.Model], count: int) -> None:
    from accounts.roles import Role

    coach = UserFactory(roles=[Role.COACH])
    for number in range(count):
        towns = [MunicipalityFactory(), MunicipalityFactory()]
        if model is CoachingProcess:
            row: Any = CoachingProcess.objects.create(coach=coach, requested_on="2022-03-01")
        elif model is CooperationAgreement:
            row = CooperationAgreement.objects.create(signing_place="Ort")
        elif model is SecurityAnalysis:
            row = SecurityAnalysis.objects.create(title=f"Analyse {number}", year=2024)
        else:
            row = PreventionCouncil.objects.create(
                name=f"Rat {number}",
                level=PreventionCouncil.Level.MUNICIPALITY,
                status=PreventionCouncil.Status.ACTIVE,
            )
        row.municipalities.set(towns)
    for _number in range(count):
        ConsultationFactory().topics.set(Topic.objects.all()[:2])


@pytest.mark.parametrize(
    "model",
    [CoachingProcess, CooperationAgreement, SecurityAnalysis, PreventionCouncil, Consultation],
    ids=lambda model: model._meta.model_name,
)
def test_queries_of_a_list_do_not_grow_with_its_rows(staff_client: Client, model: Any) -> None:
    make_rows(model, 4)
    few, response = queries_for(staff_client, changelist(model))
    assert len(response.context["cl"].result_list) >= 1

    make_rows(model, 8)
    many, response = queries_for(staff_client, changelist(model))

    assert many == few
    page = response.content.decode()
    first = response.context["cl"].result_list[0]
    if hasattr(first, "municipality_names"):
        # The column of municipalities shows the names of the row's municipalities.
        assert first.municipality_names == [
            town.name for town in first.municipalities.order_by("name", "ags")
        ]
        assert first.municipality_names
        assert all(name in page for name in first.municipality_names)
    if model is Consultation:
        assert first.topic_names == [topic.name for topic in first.topics.all()]
        assert first.topic_names


# Each row's checkbox: Django's HTML, without the form template engine --------------------------


@pytest.mark.parametrize(
    "model",
    [Municipality, Consultation, Contact, PreventionCouncil, CoachingProcess, FundingApplication],
    ids=lambda model: model._meta.model_name,
)
def test_the_row_checkbox_is_the_one_django_renders(staff_client: Client, model: Any) -> None:
    from django.contrib import admin

    make_rows(CoachingProcess, 1)
    make_rows(PreventionCouncil, 1)
    ContactFactory()
    if model is FundingApplication:
        test_the_application_list_keeps_its_order_newest_year_first_then_by_file_number(
            staff_client
        )
    model_admin = admin.site.get_model_admin(model)
    rows = staff_client.get(changelist(model)).context["cl"].result_list
    assert rows
    for row in rows:
        assert model_admin.action_checkbox(row) == admin.ModelAdmin.action_checkbox(
            model_admin, row
        )
    assert type(model_admin).action_checkbox is not admin.ModelAdmin.action_checkbox


def test_the_contact_list_reads_the_user_s_roles_once(client: Client, administrator: Any) -> None:
    """The privacy actions on the contacts are checked for each use of the actions (six times a
    page): the roles are read once per request, and the administration still gets them."""
    ContactFactory()
    client.force_login(administrator)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(changelist(Contact))
    assert response.status_code == 200
    roles = [query for query in captured.captured_queries if '"auth_group"' in query["sql"]]
    assert len(roles) == 1
    actions = dict(response.context["action_form"].fields["action"].choices)
    assert "export_personal_data_action" in actions
