"""The staff admin of the register: German, complete, and as cheap for 418 rows as for 10."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from municipalities.models import (
    AdministrativeAssociation,
    Consultation,
    Municipality,
    PreventionCouncil,
)

from ..factories import (
    ConsultationFactory,
    ContactFactory,
    CouncilMemberFactory,
    MunicipalityFactory,
    PreventionCouncilFactory,
)

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:municipalities_municipality_changelist")


@pytest.fixture
def staff_client(client: Client, officer) -> Client:
    client.force_login(officer)
    return client


def rows(response) -> int:
    """How many rows the changelist shows."""
    return len(response.context["cl"].result_list)


def queries_for(client: Client, url: str) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries), response


def test_changelist_of_418_costs_the_same_queries_as_of_10(
    staff_client: Client, gv100ad_bytes, django_assert_max_num_queries
) -> None:
    for municipality in MunicipalityFactory.create_batch(10):
        ConsultationFactory.create_batch(2, municipality=municipality)
    PreventionCouncilFactory(municipalities=list(Municipality.objects.all()[:3]))
    small, response = queries_for(staff_client, CHANGELIST + "?all=")
    assert rows(response) == 10

    from municipalities.register_files import parse_register
    from municipalities.services import register_import

    register_import(edition=parse_register(gv100ad_bytes))
    for municipality in Municipality.objects.filter(ags__startswith="14")[:50]:
        ConsultationFactory.create_batch(3, municipality=municipality)
    with django_assert_max_num_queries(small):
        large, response = queries_for(staff_client, CHANGELIST + "?all=")

    assert rows(response) == 428
    assert large == small


def test_changelist_shows_the_register_in_german(staff_client: Client, saxony) -> None:
    chemnitz = Municipality.objects.get(ags="14511000")
    ConsultationFactory(municipality=chemnitz)

    page = staff_client.get(CHANGELIST + "?q=14511000").content.decode()

    assert "Chemnitz" in page
    assert "Polizeidirektion Chemnitz" in page
    assert "245.618" in page  # German thousands separator
    assert "Kommune zur Änderung auswählen" in page
    for heading in ("AGS", "Kreis", "Polizeidirektion", "Einwohner", "Modellkommune", "Beratungen"):
        assert heading in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("district__id__exact={goerlitz_district}", 53),
        ("district__police_directorate__id__exact={goerlitz_pd}", 110),
        ("is_model_municipality__exact=1", 2),
        ("council=yes", 1),
        ("council=no", 417),
        ("dissolved=yes", 1),
        ("dissolved=no", 417),
        ("q=Budyšin", 1),
        ("q=14625", 57),
    ],
)
def test_filters_and_search_narrow_the_list(
    staff_client: Client, saxony, query: str, expected: int
) -> None:
    from municipalities.models import District, PoliceDirectorate

    Municipality.objects.filter(ags__in=["14511000", "14713000"]).update(is_model_municipality=True)
    PreventionCouncilFactory(municipalities=[Municipality.objects.get(ags="14626110")])
    Municipality.objects.filter(ags="14522080").update(dissolved_on="2023-01-01")
    query = query.format(
        goerlitz_district=District.objects.get(key="14626").pk,
        goerlitz_pd=PoliceDirectorate.objects.get(code="goerlitz").pk,
    )

    response = staff_client.get(f"{CHANGELIST}?all=&{query}")

    assert response.status_code == 200
    assert rows(response) == expected


def test_change_page_shows_contacts_consultations_coordinators_and_history(
    staff_client: Client, make_user
) -> None:
    municipality = MunicipalityFactory(name="Dippoldiswalde")
    ContactFactory(municipality=municipality, last_name="Körner", function="Oberbürgermeisterin")
    ConsultationFactory(municipality=municipality, notes="Sicherheitskreis besprochen")
    from municipalities.services import coordinator_assign

    coordinator = make_user(first_name="Michael", last_name="Schubert")
    coordinator_assign(user=coordinator, municipality=municipality)

    page = staff_client.get(
        reverse("admin:municipalities_municipality_change", args=[municipality.pk])
    ).content.decode()

    assert "Körner" in page
    assert "Sicherheitskreis besprochen" in page
    assert "Michael Schubert" in page
    history = staff_client.get(
        reverse("admin:municipalities_municipality_history", args=[municipality.pk])
    )
    assert history.status_code == 200


def test_municipalities_cannot_be_deleted_even_by_the_administration(
    client: Client, administrator
) -> None:
    municipality = MunicipalityFactory()
    client.force_login(administrator)

    response = client.post(
        reverse("admin:municipalities_municipality_delete", args=[municipality.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert Municipality.objects.filter(pk=municipality.pk).exists()


def test_officers_cannot_delete_consultations(staff_client: Client) -> None:
    consultation = ConsultationFactory()

    response = staff_client.post(
        reverse("admin:municipalities_consultation_delete", args=[consultation.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert Consultation.objects.filter(pk=consultation.pk).exists()


def test_an_edit_in_the_admin_is_recorded_with_author_and_time(
    staff_client: Client, officer
) -> None:
    consultation = ConsultationFactory(notes="alt")
    url = reverse("admin:municipalities_consultation_change", args=[consultation.pk])
    page = staff_client.get(url)
    form = page.context["adminform"].form
    data = {key: value for key, value in form.initial.items() if value is not None}
    data.update(
        {
            "municipality": consultation.municipality.pk,
            "date": consultation.date.strftime("%d.%m.%Y"),
            "kind": consultation.kind,
            "notes": "neu",
            "topics": [],
            "participants": [],
        }
    )
    data.pop("staff_member", None)

    response = staff_client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    latest = consultation.history.first()
    assert latest.notes == "neu"
    assert latest.history_user == officer
    assert latest.history_date is not None


def test_council_list_and_change_page(staff_client: Client) -> None:
    council = PreventionCouncilFactory(
        name="Sicherheitskreis Dippoldiswalde",
        municipalities=[MunicipalityFactory(name="Dippoldiswalde")],
    )
    CouncilMemberFactory(council=council, organisation="Technisches Hilfswerk (THW)")
    PreventionCouncilFactory.create_batch(5, municipalities=[MunicipalityFactory()])

    page = staff_client.get(
        reverse("admin:municipalities_preventioncouncil_changelist")
    ).content.decode()
    assert "Sicherheitskreis Dippoldiswalde" in page
    change = staff_client.get(
        reverse("admin:municipalities_preventioncouncil_change", args=[council.pk])
    ).content.decode()
    assert "Technisches Hilfswerk (THW)" in change
    assert PreventionCouncil.objects.count() == 6


@pytest.mark.parametrize(
    "name",
    [
        "municipality",
        "consultation",
        "preventioncouncil",
        "contact",
        "district",
        "administrativeassociation",
        "policedirectorate",
        "topic",
        "registerimport",
    ],
)
def test_every_register_list_costs_a_fixed_number_of_queries(
    staff_client: Client, name: str, gv100ad_bytes
) -> None:
    url = reverse(f"admin:municipalities_{name}_changelist")
    few, _response = queries_for(staff_client, url)

    from municipalities.register_files import parse_register
    from municipalities.services import register_import

    register_import(edition=parse_register(gv100ad_bytes))
    for municipality in Municipality.objects.all()[:40]:
        ConsultationFactory(municipality=municipality)
        ContactFactory(municipality=municipality)
        PreventionCouncilFactory(municipalities=[municipality])
    many, _response = queries_for(staff_client, url)

    assert many <= few + 1  # +1: an empty list skips the query for its rows


def test_index_lists_the_register_first_in_the_lpr_order(client: Client, administrator) -> None:
    client.force_login(administrator)

    page = client.get(reverse("admin:index")).content.decode()

    register = page.index("Register: Kommunen und Präventionsräte")
    users = page.index("Benutzer und Rollen")
    assert register < users
    models = ("municipality", "consultation", "preventioncouncil", "contact", "district")
    order = [page.index(f'href="/admin/municipalities/{model}/"') for model in models]
    assert order == sorted(order)
    assert "ASSKomm-Portal · Verwaltung" in page
    assert "Statistisches Bundesamt (Destatis)" in page


def test_coordinator_role_has_no_admin(client: Client, make_user) -> None:
    client.force_login(make_user(Role.COORDINATOR))

    assert client.get(CHANGELIST).status_code == 302


def test_the_association_autocomplete_lists_in_name_order(staff_client: Client, saxony) -> None:
    # The admin's list counts members (a grouped query, which ignores Meta.ordering); the
    # autocomplete paginates it, and an unordered page would show rows twice or never
    # (pytest turns Django's UnorderedObjectListWarning into an error).
    response = staff_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "municipalities", "model_name": "municipality", "field_name": "association"},
    )
    assert response.status_code == 200
    shown = [int(item["id"]) for item in response.json()["results"]]
    assert len(shown) > 10
    by_name = AdministrativeAssociation.objects.order_by("name", "pk").values_list("pk", flat=True)
    assert shown == list(by_name[: len(shown)])
