"""History on every domain model: reasons that fit, authors and times, shown in the admin."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.admin import site
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from simple_history.exceptions import NotHistoricalModelError
from simple_history.models import HistoricalChanges
from simple_history.utils import get_history_manager_for_model

from accounts.roles import Role
from accounts.services import invitation_create
from agreements.models import CoachingProcess, CooperationAgreement
from agreements.services import agreement_take_over, agreement_terminate
from analyses.models import (
    ITEM_CHOICES,
    OFFENCE_CHOICES,
    AreaPopulation,
    CrimeFigure,
    DataImport,
    SecurityAnalysis,
    SurveyBenchmark,
)
from asskomm.history import REASON_LENGTH, save_with_history, short_reason
from asskomm.history_admin import HistoryAdmin
from figures.models import BoundaryImport, TrainingCohort, YearlyReport
from funding.models import FundingApplication, FundingDecision, FundingYear, Payment
from municipalities.models import AdministrativeAssociation, RegisterImport, ServiceRequest, Topic

from .factories import (
    ConsultationFactory,
    ContactFactory,
    MunicipalityFactory,
    PreventionCouncilFactory,
    UserFactory,
)


def test_a_short_reason_stays_as_it_is() -> None:
    assert short_reason("Eingereicht") == "Eingereicht"


def test_a_long_reason_is_cut_at_a_word_with_an_ellipsis() -> None:
    reason = (
        "Außerhalb des Antragszeitraums angenommen: " + "Poststreik verzögerte den Eingang " * 5
    )
    short = short_reason(reason)
    assert len(short) <= REASON_LENGTH
    assert short.endswith("…")
    assert reason.startswith(short[:-1])
    assert not short[:-1].endswith(" ")


# --- Every domain model keeps its history, and the admin shows it with the author


HISTORY_APPS = (
    "accounts",
    "municipalities",
    "agreements",
    "funding",
    "analyses",
    "figures",
    "asskomm",
)

# Models without history, each with the reason. Historical models themselves and the link tables
# of many-to-many fields are left out below; everything else needs history or an entry here.
WITHOUT_HISTORY = {
    # Bookkeeping of a background run (state, progress, attempts), not domain data: what a job
    # produces (documents, letters, reports) is a record with history of its own.
    "asskomm.job": "job bookkeeping",
    "asskomm.jobitem": "job bookkeeping",
    # A running number; the numbers it hands out live on the agreements, which have history.
    "asskomm.counter": "running number",
    # What a user typed and has not submitted yet; deleted on submission, which is saved with
    # history.
    "asskomm.formdraft": "unsubmitted input",
    # An append-only audit entry that itself names who erased what and when; written once, never
    # changed (and a history copy would be one more place to scrub).
    "asskomm.personaldataerasure": "append-only audit entry",
    # A cache of an official boundary file, replaced wholesale by each import; the import row
    # (file, SHA-256, time, with history) is the record.
    "figures.boundary": "cache of an imported file",
    # The stored figures: derived from the records (which have history), replaced wholesale by
    # each rebuild; the trigger's notes of changes and the last build's timing.
    "figures.figurestep": "derived from records with history",
    "figures.figureschange": "trigger bookkeeping",
    "figures.figuresbuild": "rebuild bookkeeping",
    # Sums of the applications and payments per funding year, kept by database triggers
    # (funding/0007): derived from records with history, never written from Python.
    "funding.applicationtotal": "derived from records with history",
    "funding.paymenttotal": "derived from records with history",
}


def domain_models() -> list[type[models.Model]]:
    return [
        model
        for label in HISTORY_APPS
        for model in apps.get_app_config(label).get_models()
        if not issubclass(model, HistoricalChanges)
    ]


def has_history(model: type[models.Model]) -> bool:
    try:
        get_history_manager_for_model(model)
    except NotHistoricalModelError:
        return False
    return True


def test_every_domain_model_keeps_its_history() -> None:
    missing = [
        model._meta.label_lower
        for model in domain_models()
        if not has_history(model) and model._meta.label_lower not in WITHOUT_HISTORY
    ]
    assert not missing, f"add HistoricalRecords() or a reasoned exemption: {missing}"


def test_the_exemptions_are_current() -> None:
    labels = {model._meta.label_lower: model for model in domain_models()}
    stale = [
        label for label in WITHOUT_HISTORY if label not in labels or has_history(labels[label])
    ]
    assert not stale


def test_changes_in_a_request_are_attributed_by_the_middleware() -> None:
    assert "simple_history.middleware.HistoryRequestMiddleware" in settings.MIDDLEWARE


def one_of_each(author: Any) -> None:
    """At least one row of every model with an admin page (the register comes from factories)."""
    municipality = MunicipalityFactory()
    ConsultationFactory(municipality=municipality)
    PreventionCouncilFactory(municipalities=[municipality])
    ContactFactory(municipality=municipality)
    AdministrativeAssociation.objects.create(
        key="993450001",
        name="Am Klosterwasser",
        kind=AdministrativeAssociation.Kind.ADMINISTRATIVE_UNION,
        district=municipality.district,
    )
    Topic.objects.get_or_create(name="Sicherheitsanalyse")
    RegisterImport.objects.create(
        territorial_date=date(2025, 11, 30), format=RegisterImport.Format.GV100AD
    )
    ServiceRequest.objects.create(
        municipality=municipality,
        kind=ServiceRequest.Kind.COACHING,
        message="Bitte",
        requested_by=author,
    )
    invitation_create(user=UserFactory(), invited_by=author)
    agreement_take_over(
        number=7,
        signed_on=date(2019, 5, 2),
        municipalities=[municipality],
        signatories=[("kommune", "Kerstin Körner", "Bürgermeisterin")],
        user=author,
    )
    process = CoachingProcess.objects.create(requested_on=date(2024, 1, 8))
    process.municipalities.add(municipality)
    analysis = SecurityAnalysis.objects.create(title="Sicherheitsanalyse Testhausen", year=2024)
    analysis.municipalities.add(municipality)
    CrimeFigure.objects.create(
        area_key="14", year=2023, offence_group=OFFENCE_CHOICES[0][0], cases=9
    )
    AreaPopulation.objects.create(area_key="14", year=2023, population=4_000_000)
    DataImport.objects.create(kind=DataImport.Kind.CRIME, file_name="pks.csv", sha256="0" * 64)
    SurveyBenchmark.objects.create(item=ITEM_CHOICES[0][0], share=12, year=2022, source="Studie")
    TrainingCohort.objects.create(
        programme=TrainingCohort.Programme.BECCARIA,
        name="Jahrgang 2024",
        starts_on=date(2024, 3, 1),
        participants=20,
    )
    BoundaryImport.objects.create(
        source="vg5000.geojson", sha256="1" * 64, attribution="© BKG", features=1, matched=1
    )
    YearlyReport.objects.create(year=2024, as_of=date(2024, 12, 31))
    year = FundingYear.objects.create(
        year=2026,
        budget=Decimal("100000.00"),
        committed=Decimal("20000.00"),
        call_opens=date(2025, 8, 31),
        call_closes=date(2025, 10, 15),
    )
    application = FundingApplication.objects.create(
        funding_year=year,
        municipality=municipality,
        title="Saubere Stadt",
        status=FundingApplication.Status.PAID,
        file_number="2026-001",
        requested_amount=Decimal("20000.00"),
        approved_amount=Decimal("20000.00"),
    )
    FundingDecision.objects.create(
        application=application,
        kind=FundingDecision.Kind.GRANT,
        decided_on=date(2026, 1, 20),
        amount=Decimal("20000.00"),
    )
    Payment.objects.create(
        application=application,
        kind=Payment.Kind.REIMBURSEMENT,
        amount=Decimal("5000.00"),
        paid_on=date(2026, 6, 1),
    )


def registered_admins() -> list[tuple[type[models.Model], Any]]:
    return [
        (model, model_admin)
        for model, model_admin in site._registry.items()
        if model._meta.app_label in HISTORY_APPS
    ]


def test_every_admin_page_of_a_model_with_history_shows_it(client: Client, make_user: Any) -> None:
    administrator = make_user(Role.ADMINISTRATION, first_name="Henrike", last_name="Stübner")
    author = make_user(Role.OFFICER, first_name="Waltraud", last_name="Zschiesche")
    one_of_each(author)
    client.force_login(administrator)
    checked = []
    for model, model_admin in registered_admins():
        if not has_history(model):
            continue
        assert isinstance(model_admin, HistoryAdmin), model
        obj = model._default_manager.order_by("pk").first()
        assert obj is not None, f"one_of_each() makes no {model._meta.label}"
        save_with_history(obj, user=author, reason="Geprüft")
        url = reverse(
            f"admin:{model._meta.app_label}_{model._meta.model_name}_history", args=[obj.pk]
        )
        response = client.get(url)
        assert response.status_code == 200, (model, response.status_code)
        page = response.content.decode()
        assert "Waltraud Zschiesche" in page, model
        assert "Geprüft" in page, model
        checked.append(model._meta.label_lower)
    # The records of this issue are among them.
    assert {"funding.fundingdecision", "funding.payment", "agreements.cooperationagreement"} <= set(
        checked
    )
    assert len(checked) >= 25


def test_an_admin_change_names_the_user_and_the_time(client: Client, administrator: Any) -> None:
    topic = Topic.objects.create(name="Graffiti")
    client.force_login(administrator)
    before = timezone.now()
    response = client.post(
        reverse("admin:municipalities_topic_change", args=[topic.pk]),
        {"name": "Graffiti und Sachbeschädigung", "position": "3", "is_active": "on"},
    )
    assert response.status_code == 302
    latest = topic.history.latest()
    assert latest.name == "Graffiti und Sachbeschädigung"
    assert latest.history_user == administrator
    assert before <= latest.history_date <= timezone.now()


def test_a_service_change_names_the_user_and_the_time(officer: Any) -> None:
    municipality = MunicipalityFactory()
    agreement = agreement_take_over(
        number=12,
        signed_on=date(2020, 2, 3),
        municipalities=[municipality],
        signatories=[("kommune", "Kerstin Körner", "Bürgermeisterin")],
        user=officer,
    )
    before = timezone.now()
    agreement_terminate(
        agreement=agreement, terminated_on=date(2024, 6, 30), reason="Auflösung", user=officer
    )
    assert agreement.signatories.get().history.get().history_user == officer
    latest = agreement.history.latest()
    assert latest.status == CooperationAgreement.Status.TERMINATED
    assert latest.history_user == officer
    assert latest.history_change_reason == "Beendet am 30.06.2024"
    assert before <= latest.history_date <= timezone.now()


def test_history_is_shown_but_never_reverted(client: Client, administrator: Any) -> None:
    topic = Topic.objects.create(name="Graffiti")
    save_with_history(topic, user=administrator, reason="Umbenannt")
    first = topic.history.earliest()
    topic.name = "Sachbeschädigung"
    topic.save()
    client.force_login(administrator)
    url = reverse("admin:municipalities_topic_simple_history", args=[topic.pk, first.history_id])
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "Graffiti", "position": "0", "is_active": "on"})
    assert response.status_code == 403
    topic.refresh_from_db()
    assert topic.name == "Sachbeschädigung"
