"""What the staff lists read (issue #9): a related row's columns its label and the list need and
no more, a filter's choices the labels Django shows, without loading a left-out column per row."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin import RelatedFieldListFilter
from django.db import connection, models
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agreements.models import CoachingProcess
from asskomm.admin_lists import LabelFilter
from funding.admin import FundingYearFilter
from funding.models import FundingApplication, FundingDecision, FundingYear
from municipalities.models import (
    AdministrativeAssociation,
    Consultation,
    Municipality,
    PoliceDirectorate,
    ServiceRequest,
    Topic,
)

from .factories import ConsultationFactory, UserFactory
from .test_admin_list_rows import LISTS, filled  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db

LABELLED = sorted(
    (model for model in apps.get_models() if "label_fields" in vars(model)),
    key=lambda model: model._meta.label,
)


def changelist(model: Any) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


@pytest.fixture
def related(filled: None, administrator: Any) -> None:  # noqa: F811 (the fixture)
    """Every related row a list joins: a staff member with a name and one without, amendment
    decisions, service requests, a police directorate whose name needs escaping."""
    PoliceDirectorate.objects.create(code="muehle", name='PD <i> & "Mühle"', seat="Ort")
    nameless = UserFactory(first_name="", last_name="", is_staff=True)
    for consultation, staff in zip(
        Consultation.objects.all(), [administrator, nameless], strict=False
    ):
        consultation.staff_member = staff
        consultation.save()
    application = FundingApplication.objects.exclude(file_number="").get()
    grant = FundingDecision.objects.create(
        application=application,
        kind=FundingDecision.Kind.GRANT,
        decided_on=date(2026, 3, 1),
        amount=Decimal("1000.00"),
        decided_by=administrator,
    )
    FundingDecision.objects.create(
        application=application,
        kind=FundingDecision.Kind.AMENDMENT,
        number=2,
        decided_on=date(2026, 4, 1),
        amount=Decimal("900.00"),
        amends=grant,
    )
    FundingYear.objects.create(
        year=2027, budget=1_000_000, call_opens="2026-09-01", call_closes="2026-10-31"
    )
    town = Municipality.objects.select_related("district").first()
    assert town is not None
    association = AdministrativeAssociation.objects.create(
        key="146285201",
        name="Verwaltungsverband <Tal>",
        kind=AdministrativeAssociation.Kind.choices[0][0],
        district=town.district,
    )
    town.association = association
    town.save()
    ServiceRequest.objects.create(
        municipality=town,
        kind=ServiceRequest.Kind.COACHING,
        message="Bitte",
        requested_by=nameless,
    )


@pytest.mark.parametrize("model", LABELLED, ids=lambda model: model._meta.label_lower)
def test_a_row_read_with_its_label_fields_only_is_labelled_as_a_whole_row(
    related: None, model: Any
) -> None:
    """``label_fields`` names every column ``__str__`` reads: read with only those, a row has the
    same label, without a query for a left-out column."""
    rows = list(model._default_manager.order_by("pk"))
    assert rows, f"{model.__name__}: rows to label"
    # A related row named in the label is joined, read with its own label fields (as a list's
    # related_columns reads it).
    joined = [name for name in model.label_fields if model._meta.get_field(name).is_relation]
    columns = [
        f"{name}__{column}"
        for name in joined
        for column in model._meta.get_field(name).related_model.label_fields
    ]
    narrow = (
        model._default_manager.order_by("pk")
        .select_related(*joined)
        .only(*model.label_fields, *columns)
    )
    with CaptureQueriesContext(connection) as captured:
        labels = [str(row) for row in narrow]
    assert labels == [str(row) for row in rows]
    assert len(captured) == 1


def test_the_models_shown_in_the_lists_name_their_label_fields() -> None:
    assert {model.__name__ for model in LABELLED} >= {
        "PoliceDirectorate",
        "District",
        "Municipality",
        "Topic",
        "User",
        "FundingYear",
        "FundingApplication",
    }


@pytest.mark.parametrize("model", LISTS, ids=lambda model: model._meta.label_lower)
def test_each_filter_by_a_related_row_offers_django_s_choices(
    client: Client, administrator: Any, related: None, model: Any
) -> None:
    """A ``LabelFilter`` offers what Django's ``RelatedFieldListFilter`` offers: the same keys,
    the same labels, in the same order, and reads them in one query."""
    client.force_login(administrator)
    response = client.get(changelist(model))
    assert response.status_code == 200
    cl = response.context["cl"]
    request = response.wsgi_request
    for spec in cl.filter_specs:
        if not isinstance(spec, LabelFilter):
            continue
        django_s = RelatedFieldListFilter(
            spec.field, request, {}, cl.model, cl.model_admin, spec.field_path
        )
        with CaptureQueriesContext(connection) as captured:
            ours = spec.field_choices(spec.field, request, cl.model_admin)
        assert ours == django_s.lookup_choices, spec.field_path
        # The funding years are read once per request, before (FundingApplicationAdmin).
        assert len(captured) == (0 if isinstance(spec, FundingYearFilter) else 1)


def test_the_lists_filter_by_related_rows_through_label_filters(
    client: Client, administrator: Any, related: None
) -> None:
    client.force_login(administrator)
    filters = {}
    for model in (Consultation, CoachingProcess, FundingDecision):
        cl = client.get(changelist(model)).context["cl"]
        filters[model] = {
            spec.field_path for spec in cl.filter_specs if isinstance(spec, LabelFilter)
        }
    assert filters[Consultation] == {
        "municipality__district__police_directorate",
        "topics",
        "staff_member",
    }
    assert filters[CoachingProcess] == {"coach", "municipalities__district__police_directorate"}
    assert filters[FundingDecision] == {"application__funding_year"}


@pytest.mark.parametrize("model", LISTS, ids=lambda model: model._meta.label_lower)
def test_a_list_loads_no_left_out_column_of_a_row(
    client: Client,
    administrator: Any,
    related: None,
    model: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The related rows of a list are read with a few columns (``related_columns``): none of the
    columns left out is read later, row by row (Django would load it with a query each)."""
    loaded: list[Any] = []
    refresh = models.Model.refresh_from_db

    def recording(self: Any, *args: Any, **kwargs: Any) -> None:
        loaded.append((type(self).__name__, kwargs.get("fields")))
        refresh(self, *args, **kwargs)

    monkeypatch.setattr(models.Model, "refresh_from_db", recording)
    client.force_login(administrator)
    for params in ({}, {"o": "-2"}):
        response = client.get(changelist(model), params)
        assert response.status_code == 200
        assert response.context["cl"].result_list, "rows to draw"
    assert loaded == []


def test_the_related_rows_of_a_list_are_read_narrow(
    client: Client, administrator: Any, related: None
) -> None:
    client.force_login(administrator)
    rows = client.get(changelist(Consultation)).context["cl"].result_list
    drawn = [row for row in rows if row.staff_member_id]
    assert drawn
    for row in drawn:
        assert {"created_at", "population"} <= row.municipality.get_deferred_fields()
        assert "password" in row.staff_member.get_deferred_fields()
        assert not row.get_deferred_fields()  # the listed rows themselves are whole

    # An action gets the selected rows whole.
    model_admin = admin.site.get_model_admin(Consultation)
    request = client.get(changelist(Consultation)).wsgi_request
    chosen = model_admin.get_changelist_instance(request).get_queryset(request)
    assert not chosen[0].municipality.get_deferred_fields()


def test_the_topics_column_and_filter_keep_their_order(
    client: Client, administrator: Any, db: None
) -> None:
    consultation = ConsultationFactory()
    topics = list(Topic.objects.order_by("-name")[:3])
    consultation.topics.set(topics)
    client.force_login(administrator)
    cl = client.get(changelist(Consultation)).context["cl"]
    (row,) = cl.result_list
    assert row.topic_names == [topic.name for topic in consultation.topics.all()]
    assert row.topic_names == [
        topic.name for topic in sorted(topics, key=lambda t: (t.position, t.name))
    ]


def test_a_consultation_is_named_by_its_kind_s_label(db: None) -> None:
    """``Consultation.__str__`` takes the label as ``get_kind_display()`` does, an unknown kind
    (an old value) by its value."""
    for kind in [*Consultation.Kind.values, "veraltet"]:
        consultation = ConsultationFactory(kind=kind, date=date(2026, 2, 3))
        assert str(consultation) == (
            f"{consultation.get_kind_display()} {consultation.municipality} (03.02.2026)"
        )
