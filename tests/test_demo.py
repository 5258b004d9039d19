"""The development demo: complete, repeatable, and impossible outside development."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from accounts.models import User
from accounts.roles import Role
from agreements.models import AgreementDocument, CoachingProcess, CooperationAgreement
from demo.seed import DEMO_PASSWORD
from funding.models import FundingApplication
from municipalities.models import Consultation, Municipality, PreventionCouncil, RegisterImport

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_one_demo_seed_matches_every_published_figure(
    gv100ad_path, django_capture_on_commit_callbacks
) -> None:
    """One seed (it takes a while), checked part by part below."""
    with django_capture_on_commit_callbacks(execute=True):
        output = seed()

    check_register_users_and_history(output)
    check_agreements_of_the_press_releases()
    check_funding_years_and_grants(output)
    check_security_analyses(output)
    check_figures_of_the_press_releases()


def check_figures_of_the_press_releases() -> None:
    """The demo's figures on the dates the LPR published them (domain.md §1.2)."""
    from datetime import date

    from figures.models import Boundary
    from figures.selectors import figures_as_of

    published = {
        date(2020, 2, 6): {"municipalities_advised": 64, "councils": 16},
        date(2021, 2, 6): {
            "municipalities_advised": 102,
            "councils": 19,
            "beccaria_graduates": 102,
        },
        date(2021, 6, 25): {"councils": 21, "security_analyses_started": 16},
        date(2021, 11, 30): {
            "municipalities_advised": 126,
            "councils": 26,
            "agreements_signed": 29,
        },
        date(2022, 12, 31): {
            "municipalities_advised": 132,
            "councils": 27,
            "agreements_signed": 36,
            "coaching_processes_started": 37,
            "security_analyses_started": 25,
        },
        date(2023, 4, 25): {"agreements_signed": 50},
        date(2024, 2, 29): {"security_analyses_started": 27, "security_analyses_completed": 25},
    }
    for day, expected in published.items():
        values = figures_as_of(day)
        assert {key: values[key] for key in expected} == expected, day
    assert figures_as_of(date(2021, 2, 6))["funding_approved_eur_cumulative"] > 420_000
    assert Boundary.objects.count() == 418


def check_security_analyses(output: str) -> None:
    from analyses.models import SecurityAnalysis
    from analyses.selectors import survey_results

    complete = SecurityAnalysis.objects.get(municipalities__ags="14729260")
    assert complete.status == SecurityAnalysis.Status.IMPLEMENTATION
    assert complete.responses.count() == 800
    assert complete.final_report
    assert complete.final_report_sha256
    assert complete.recommendations.count() == 5
    assert "Demodaten" in complete.notes
    results = survey_results(complete)
    assert results.response_rate is not None
    assert results.response_rate == 40
    # Auenhain is so small that it is hidden in every breakdown by part of town.
    assert all(
        next(c for c in item.by_district if c.group == "Auenhain").suppressed
        for item in results.items
    )
    assert results.gap.crime_index is not None
    assert results.gap.fear_index is not None
    current = SecurityAnalysis.objects.get(municipalities__ags="14628060")
    assert current.checklist.filter(done_on__isnull=False).count() == 2
    assert "800 Fragebögen" in output


def check_register_users_and_history(output: str) -> None:

    assert Municipality.objects.count() == 418
    assert set(
        Municipality.objects.filter(is_model_municipality=True).values_list("name", flat=True)
    ) == {
        "Chemnitz",
        "Freital",
        "Görlitz",
        "Leipzig",
        "Pirna",
        "Plauen",
        "Wurzen",
        "Zwickau",
    }
    for role in Role.ALL:
        users = User.objects.filter(groups__name=role)
        assert users.exists(), role
        for user in users:
            assert authenticate(username=user.email, password=DEMO_PASSWORD) == user, role
            assert user.email in output
    assert DEMO_PASSWORD in output
    # The history follows the published figures: 64 municipalities advised one year after the
    # launch on 6 February 2019, 102 after two years.
    advised = Consultation.objects.values("municipality").distinct()
    assert advised.filter(date__lte="2020-02-06").count() == 64
    assert advised.filter(date__lte="2021-02-06").count() == 102
    assert (
        Consultation.objects.filter(municipality__ags="14626530")
        .order_by("date")
        .first()
        .date.isoformat()
        == "2021-01-18"
    )
    assert PreventionCouncil.objects.count() >= 27
    assert Consultation.objects.filter(date__lt="2019-02-06").count() == 0


def check_agreements_of_the_press_releases() -> None:

    meerane = CooperationAgreement.objects.get(number=50)
    assert meerane.label == "KV-2023-050"
    assert list(meerane.municipalities.values_list("name", flat=True)) == ["Meerane"]
    for ags in ("14628060", "14625280", "14627060", "14627140", "14524190"):
        agreement = CooperationAgreement.objects.get(municipalities__ags=ags)
        assert agreement.status == CooperationAgreement.Status.SIGNED
        kinds = set(agreement.documents.values_list("kind", flat=True))
        assert kinds == {AgreementDocument.Kind.SIGNATURE_READY, AgreementDocument.Kind.SIGNED_COPY}
    dippoldiswalde = CooperationAgreement.objects.get(municipalities__ags="14628060")
    names = set(dippoldiswalde.signatories.values_list("person_name", flat=True))
    assert {"Kerstin Körner", "Peter Langer", "Torsten Kosuch"} <= names
    verbund = CooperationAgreement.objects.get(municipalities__ags="14523170")
    assert verbund.municipalities.count() == 3
    assert verbund.signed_on.isoformat() == "2022-07-22"
    signed = CooperationAgreement.objects.filter(signed_on__isnull=False)
    assert signed.filter(signed_on__lte="2021-11-30").count() == 29
    assert signed.filter(signed_on__lte="2022-12-31").count() == 36
    assert CoachingProcess.objects.filter(coach__email="coach@institut-b3.example").exists()


def check_funding_years_and_grants(output: str) -> None:
    from decimal import Decimal

    from django.db.models import Sum

    from funding.models import FundingApplication, FundingDecision, FundingYear

    years = {year.year: year for year in FundingYear.objects.all()}
    assert set(range(2019, 2027)) <= set(years)
    for year in years.values():
        assert year.budget == Decimal("1300000.00")
        approved = year.applications.aggregate(total=Sum("approved_amount"))["total"] or 0
        assert year.committed == approved <= year.budget, year.year
    grossenhain = FundingApplication.objects.get(
        municipality__ags="14627060", title="Bürger für unsere saubere Stadt"
    )
    assert grossenhain.funding_year.year == 2021
    assert grossenhain.approved_amount == Decimal("21150.00")
    early = FundingDecision.objects.filter(decided_on__lte="2021-02-06").aggregate(
        total=Sum("amount")
    )["total"]
    assert early > Decimal("420000")
    assert "bis Februar 2021 bewilligt" in output
    # The current years went through the services: a real letter, and work for the office.
    assert FundingDecision.objects.exclude(letter="").exists()
    assert FundingApplication.objects.filter(status=FundingApplication.Status.IN_REVIEW).exists()
    assert FundingApplication.objects.filter(
        status=FundingApplication.Status.DRAFT, municipality__ags="14628060"
    ).exists()


def test_demo_twice_adds_nothing(gv100ad_path) -> None:
    seed()
    counts = (
        Municipality.objects.count(),
        Consultation.objects.count(),
        PreventionCouncil.objects.count(),
        User.objects.count(),
        RegisterImport.objects.count(),
        FundingApplication.objects.count(),
    )

    seed()

    assert (
        Municipality.objects.count(),
        Consultation.objects.count(),
        PreventionCouncil.objects.count(),
        User.objects.count(),
        RegisterImport.objects.count(),
        FundingApplication.objects.count(),
    ) == counts


def test_without_the_official_file_a_builtin_set_is_used(settings, tmp_path) -> None:
    settings.ASSKOMM_SHARED_DATA_DIR = tmp_path
    settings.ASSKOMM_GV100AD = ""

    output = seed()

    assert "eingebaute Auswahl" in output
    assert (
        Municipality.objects.filter(
            ags__in=["14628060", "14625280", "14627060", "14627140"]
        ).count()
        == 4
    )
    assert Municipality.objects.get(ags="14625280").sorbian_name == "Rakecy"
    assert Municipality.objects.filter(is_model_municipality=True).count() == 8
    assert Consultation.objects.exists()


def test_demo_data_is_refused_where_not_allowed(settings) -> None:
    settings.ASSKOMM_ALLOW_DEMO_DATA = False

    with pytest.raises(CommandError, match="development"):
        seed()

    assert not User.objects.exists()
