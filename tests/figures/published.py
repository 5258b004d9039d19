"""A history built so that its figures are the ones the LPR published (domain.md §1.2).

Municipalities are taken from the official register in a fixed order; what each one does and when
is laid out below so that the published counts come out on the published dates:

* advised: 64 by 6 Feb 2020, 102 by 6 Feb 2021, 126 by 30 Nov 2021, 132 by 31 Dec 2022;
* councils constituted or reactivated: 16, 19, 21 (25 Jun 2021), 26 (30 Nov 2021), 27 (2022),
  plus two at Landkreis level (Nov 2021: "26 towns/Verbände + 2 Landkreise");
* agreements: 29 by 30 Nov 2021, 36 by 31 Dec 2022, the 50th on 25 Apr 2023;
* coaching processes: 24 started in 2020, 32 by 30 Nov 2021, 37 by 31 Dec 2022;
* security analyses: 16 started by 25 Jun 2021, 25 by 31 Dec 2022, 27 by Feb 2024 of which 25
  completed;
* cooperating ("eng zusammenarbeitend"): 45 at the end of 2021, 53 at the end of 2022;
* more than 420,000 EUR granted by Feb 2021 (432,900 EUR); 102 Beccaria graduates by Feb 2021;
  19 B.A. and 12 M.A. students in Feb 2020.

The "late 2021: 125 advised" row contradicts the "Nov 2021: 126" row (a count since the launch
cannot fall) and is not reproduced.
"""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from agreements.models import CoachingProcess, CooperationAgreement
from analyses.models import SecurityAnalysis
from figures.models import TrainingCohort
from funding.models import FundingApplication, FundingDecision, FundingYear
from municipalities.models import Consultation, District, Municipality, PreventionCouncil

FROZEN = datetime(2020, 1, 1, tzinfo=UTC)

PUBLISHED = {
    date(2020, 2, 6): {
        "municipalities_advised": 64,
        "councils": 16,
        "students_enrolled": 31,
    },
    date(2021, 2, 6): {
        "municipalities_advised": 102,
        "councils": 19,
        "funding_approved_eur_cumulative": Decimal("432900.00"),
        "beccaria_graduates": 102,
    },
    date(2021, 6, 25): {"councils": 21, "security_analyses_started": 16},
    date(2021, 11, 30): {
        "municipalities_advised": 126,
        "councils": 26,
        "district_councils": 2,
        "agreements_signed": 29,
        "coaching_processes_started": 32,
    },
    date(2021, 12, 31): {"municipalities_cooperating": 45},
    date(2022, 12, 31): {
        "municipalities_advised": 132,
        "municipalities_cooperating": 53,
        "councils": 27,
        "agreements_signed": 36,
        "coaching_processes_started": 37,
        "security_analyses_started": 25,
    },
    date(2023, 4, 25): {"agreements_signed": 50},
    date(2024, 2, 29): {"security_analyses_started": 27, "security_analyses_completed": 25},
}


def _days(start: date, end: date, count: int) -> list[date]:
    """``count`` dates spread evenly over [start, end]."""
    if count == 0:
        return []
    span = (end - start).days
    return [start + timedelta(days=span * (i + 1) // (count + 1)) for i in range(count)]


def build_published_history() -> list[Municipality]:
    """Create the history; returns the municipalities in the order they were first advised."""
    models = list(Municipality.objects.filter(is_model_municipality=True))
    assert not models, "expects a register without ASSKomm history"
    towns = list(Municipality.objects.order_by("-population", "ags")[:140])
    m = towns

    # Model municipalities: the first eight.
    Municipality.objects.filter(pk__in=[t.pk for t in m[:8]]).update(is_model_municipality=True)

    # Advised: first contacts in four waves.
    waves = (
        (0, 64, date(2019, 2, 6), date(2020, 2, 6)),
        (64, 102, date(2020, 2, 7), date(2021, 2, 6)),
        (102, 126, date(2021, 2, 7), date(2021, 11, 30)),
        (126, 132, date(2022, 1, 1), date(2022, 12, 31)),
    )
    consultations = []
    for first, last, start, end in waves:
        for municipality, day in zip(
            m[first:last],
            _days(start - timedelta(days=1), end + timedelta(days=1), last - first),
            strict=True,
        ):
            consultations.append(
                Consultation(
                    municipality=municipality, date=day, kind=Consultation.Kind.FIRST_CONTACT
                )
            )
            # A later consultation must not count the municipality twice.
            consultations.append(
                Consultation(
                    municipality=municipality,
                    date=day + timedelta(days=40),
                    kind=Consultation.Kind.CONSULTATION,
                )
            )
    # A consultation after the last published date, of a municipality never advised before.
    consultations.append(
        Consultation(
            municipality=m[135], date=date(2023, 6, 1), kind=Consultation.Kind.CONSULTATION
        )
    )
    Consultation.objects.bulk_create(consultations)

    # Agreements: 29 by 30 Nov 2021 (M8–M36), 7 in 2022 (M45–M51), 14 by 25 Apr 2023 (M53–M66).
    def agreement(municipality: Municipality, day: date, number: int) -> CooperationAgreement:
        signed = CooperationAgreement.objects.create(
            number=number,
            number_year=day.year,
            status=CooperationAgreement.Status.SIGNED,
            signed_on=day,
            frozen_at=FROZEN,
        )
        signed.municipalities.set([municipality])
        return signed

    number = 0
    for municipality, day in zip(
        m[8:37], _days(date(2020, 3, 1), date(2021, 11, 30), 29), strict=True
    ):
        number += 1
        agreement(municipality, day, number)
    for municipality, day in zip(
        m[45:52], _days(date(2022, 1, 1), date(2022, 12, 31), 7), strict=True
    ):
        number += 1
        agreement(municipality, day, number)
    for municipality, day in zip(
        m[53:67], _days(date(2023, 1, 1), date(2023, 4, 25), 13) + [date(2023, 4, 25)], strict=True
    ):
        number += 1
        agreement(municipality, day, number)
    # A draft and an agreement planned but not yet signed count nowhere.
    draft = CooperationAgreement.objects.create(planned_on=date(2021, 5, 1))
    draft.municipalities.set([m[100]])
    # A second version of a signed agreement is not a new agreement.
    first = CooperationAgreement.objects.get(number=1)
    second = CooperationAgreement.objects.create(
        predecessor=first,
        number=first.number,
        number_year=first.number_year,
        version=2,
        frozen_at=FROZEN,
        status=CooperationAgreement.Status.SIGNED,
        signed_on=date(2022, 3, 1),
    )
    second.municipalities.set(first.municipalities.all())

    # Councils of municipalities (all in municipalities already cooperating).
    council_plan = (
        (16, date(2019, 3, 1), date(2020, 2, 6)),
        (3, date(2020, 2, 7), date(2021, 2, 6)),
        (2, date(2021, 2, 7), date(2021, 6, 25)),
        (5, date(2021, 6, 26), date(2021, 11, 30)),
        (1, date(2022, 1, 1), date(2022, 12, 31)),
    )
    index = 0
    for count, start, end in council_plan:
        for day in _days(start, end, count):
            council = PreventionCouncil.objects.create(
                name=f"Kommunaler Präventionsrat {m[index].name} {index}",
                level=PreventionCouncil.Level.MUNICIPALITY,
                constituted_on=day,
                status=PreventionCouncil.Status.ACTIVE,
            )
            council.municipalities.set([m[index]])
            index += 1
    # One constituted long before and reactivated in 2021 counts from its reactivation; it
    # replaces the council of M3 … no: a council of its own for M36 (cooperating already).
    old = PreventionCouncil.objects.get(municipalities=m[0])
    old.constituted_on = date(2012, 3, 1)
    old.reactivated_on = date(2019, 10, 8)
    old.save()
    # A council in preparation (no date) does not count.
    PreventionCouncil.objects.create(
        name="Präventionsrat in Gründung", level=PreventionCouncil.Level.MUNICIPALITY
    ).municipalities.set([m[120]])
    districts = list(District.objects.order_by("key")[:2])
    for district, day in zip(districts, (date(2021, 3, 10), date(2021, 10, 5)), strict=True):
        PreventionCouncil.objects.create(
            name=f"Kriminalpräventiver Rat {district.name}",
            level=PreventionCouncil.Level.DISTRICT,
            district=district,
            constituted_on=day,
            status=PreventionCouncil.Status.ACTIVE,
        )

    # Coaching: 24 started in 2020 and 8 more by Nov 2021 (M0–M31), 5 in 2022 (M32–M35, M52).
    coaching_plan = [
        *zip(m[0:24], _days(date(2020, 1, 1), date(2020, 12, 31), 24), strict=True),
        *zip(m[24:32], _days(date(2021, 1, 1), date(2021, 11, 30), 8), strict=True),
        *zip([*m[32:36], m[52]], _days(date(2022, 1, 1), date(2022, 12, 31), 5), strict=True),
    ]
    for position, (municipality, day) in enumerate(coaching_plan):
        ended = day + timedelta(days=300) if position % 2 == 0 else None
        process = CoachingProcess.objects.create(
            requested_on=day - timedelta(days=20),
            started_on=day,
            ended_on=ended,
            status=(CoachingProcess.Status.COMPLETED if ended else CoachingProcess.Status.RUNNING),
        )
        process.municipalities.set([municipality])
    CoachingProcess.objects.create(
        requested_on=date(2021, 3, 1), status=CoachingProcess.Status.REQUESTED
    ).municipalities.set([m[110]])

    # Security analyses: 8 extra municipalities (M37–M44) and the model ones by 25 Jun 2021,
    # nine more by the end of 2022, two (Bannewitz, Weißwasser in reality) in 2023.
    analysis_plan = [
        *zip([*m[37:45], *m[0:8]], _days(date(2020, 6, 1), date(2021, 6, 25), 16), strict=True),
        *zip(m[8:17], _days(date(2021, 7, 1), date(2022, 12, 31), 9), strict=True),
        *zip(m[17:19], _days(date(2023, 3, 1), date(2023, 9, 1), 2), strict=True),
    ]
    for position, (municipality, day) in enumerate(analysis_plan):
        presented = day + timedelta(days=330) if position < 25 else None
        analysis = SecurityAnalysis.objects.create(
            title=f"Sicherheitsanalyse {municipality.name}",
            year=day.year,
            kickoff_on=day,
            presented_on=presented,
            status=(
                SecurityAnalysis.Status.IMPLEMENTATION
                if presented
                else SecurityAnalysis.Status.SURVEY
            ),
        )
        analysis.municipalities.set([municipality])

    # Grants: 432,900 EUR by 6 Feb 2021 to model municipalities, one amended downwards.
    years = {
        year: FundingYear.objects.create(
            year=year,
            budget=Decimal("1300000.00"),
            call_opens=date(year, 1, 1),
            call_closes=date(year, 3, 31),
        )
        for year in (2019, 2020, 2021)
    }
    grants = (
        (m[0], 2019, date(2019, 6, 1), Decimal("120000.00"), None),
        (m[1], 2020, date(2020, 5, 4), Decimal("200000.00"), (date(2020, 11, 2), "150000.00")),
        (m[2], 2020, date(2020, 6, 15), Decimal("162900.00"), None),
        # Decided after 6 Feb 2021: not in that figure.
        (m[3], 2021, date(2021, 4, 1), Decimal("90000.00"), None),
    )
    for municipality, year, day, amount, amendment in grants:
        application = FundingApplication.objects.create(
            funding_year=years[year],
            municipality=municipality,
            title=f"Projekt {municipality.name}",
            status=FundingApplication.Status.APPROVED,
            approved_amount=Decimal(amendment[1]) if amendment else amount,
        )
        FundingDecision.objects.create(
            application=application, kind=FundingDecision.Kind.GRANT, decided_on=day, amount=amount
        )
        if amendment:
            FundingDecision.objects.create(
                application=application,
                kind=FundingDecision.Kind.AMENDMENT,
                number=2,
                decided_on=amendment[0],
                amount=Decimal(amendment[1]),
            )
    rejected = FundingApplication.objects.create(
        funding_year=years[2020],
        municipality=m[130],
        title="Abgelehnt",
        status=FundingApplication.Status.REJECTED,
    )
    FundingDecision.objects.create(
        application=rejected, kind=FundingDecision.Kind.REJECTION, decided_on=date(2020, 5, 1)
    )

    # Training: Beccaria cohorts 2013–2020 with 102 graduates, the 2021 cohort running.
    graduates = (12, 13, 12, 13, 13, 13, 13, 13)
    for offset, count in enumerate(graduates):
        year = 2013 + offset
        TrainingCohort.objects.create(
            programme=TrainingCohort.Programme.BECCARIA,
            name=f"Jahrgang {year}",
            starts_on=date(year, 2, 1),
            ends_on=date(year + 1, 1, 31),
            participants=count + 2,
            graduates=count,
        )
    TrainingCohort.objects.create(
        programme=TrainingCohort.Programme.BECCARIA,
        name="Jahrgang 2021",
        starts_on=date(2021, 3, 1),
        participants=18,
    )
    TrainingCohort.objects.create(
        programme=TrainingCohort.Programme.BACHELOR,
        name="B.A. ab Sommersemester 2019",
        starts_on=date(2019, 4, 1),
        participants=19,
    )
    TrainingCohort.objects.create(
        programme=TrainingCohort.Programme.MASTER,
        name="M.A. ab Wintersemester 2019/20",
        starts_on=date(2019, 10, 1),
        participants=12,
    )
    return m
