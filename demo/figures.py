"""Demo data for "Zahlen, Daten, Fakten": boundaries, training cohorts, and the outline of the
programme's earlier security analyses and coaching processes, following the published counts."""

import random
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings

from agreements.models import CoachingProcess
from analyses.models import SecurityAnalysis
from figures.models import Boundary, TrainingCohort
from figures.services import boundaries_import
from municipalities.models import Municipality, PreventionCouncil

# Security analyses started by a date (domain.md §1.2: 16 by 25 Jun 2021, 25 in 2022, and 25
# completed plus Bannewitz and Weißwasser by Feb 2024, when the programme closed).
ANALYSIS_MILESTONES = ((date(2021, 6, 25), 16), (date(2022, 12, 31), 25))
LATE_ANALYSES = (("14628050", date(2023, 3, 20)), ("14626600", date(2023, 5, 8)))
# Coaching processes started by a date (24 in 2020, 32 by Nov 2021, 37 processes in 2022).
COACHING_MILESTONES = ((date(2020, 12, 31), 24), (date(2021, 11, 30), 32), (date(2022, 12, 31), 37))
BECCARIA_GRADUATES = (12, 13, 12, 13, 13, 13, 13, 13)  # cohorts 2013–2020: 102 graduates
DEMO_NOTE = "Demodaten: nur Eckdaten für die Zahlen."


def seed_boundaries(out: list[str]) -> None:
    path = Path(settings.ASSKOMM_SHARED_DATA_DIR) / "sachsen_gemeinden.geojson"
    if Boundary.objects.exists():
        return
    if not path.is_file():
        out.append("Keine Gemeindegrenzen gefunden: die Karten bleiben leer.")
        return
    result = boundaries_import(path)
    out.append(f"Gemeindegrenzen: {result.matched} aus {path.name} geladen.")


def seed_training(out: list[str]) -> None:
    if TrainingCohort.objects.exists():
        return
    for offset, graduates in enumerate(BECCARIA_GRADUATES):
        year = 2013 + offset
        TrainingCohort.objects.create(
            programme=TrainingCohort.Programme.BECCARIA,
            name=f"Jahrgang {year}",
            starts_on=date(year, 2, 1),
            ends_on=date(year + 1, 1, 29),
            participants=graduates + 2,
            graduates=graduates,
            notes="Demodaten.",
        )
    for year, participants, graduates in ((2021, 18, 17), (2022, 20, 19), (2023, 19, 18)):
        TrainingCohort.objects.create(
            programme=TrainingCohort.Programme.BECCARIA,
            name=f"Jahrgang {year}",
            starts_on=date(year, 3, 1),
            ends_on=date(year + 1, 2, 15),
            participants=participants,
            graduates=graduates,
            notes="Demodaten.",
        )
    TrainingCohort.objects.create(
        programme=TrainingCohort.Programme.BACHELOR,
        name="B.A. ab Sommersemester 2019",
        starts_on=date(2019, 4, 1),
        ends_on=date(2023, 3, 31),
        participants=19,
        notes="Demodaten.",
    )
    TrainingCohort.objects.create(
        programme=TrainingCohort.Programme.MASTER,
        name="M.A. ab Wintersemester 2019/20",
        starts_on=date(2019, 10, 1),
        ends_on=date(2022, 3, 31),
        participants=12,
        notes="Demodaten.",
    )
    out.append(f"Aus- und Fortbildung: {TrainingCohort.objects.count()} Jahrgänge angelegt.")


def _cooperating_candidates() -> list[Municipality]:
    """Municipalities with a council or an agreement: the analyses and coaching go there."""
    with_council = Municipality.objects.filter(prevention_councils__isnull=False)
    with_agreement = Municipality.objects.filter(cooperation_agreements__signed_on__isnull=False)
    return list((with_council | with_agreement).distinct().order_by("ags"))


def seed_analysis_history(out: list[str]) -> None:
    if SecurityAnalysis.objects.filter(notes=DEMO_NOTE).exists():
        return
    rng = random.Random("analyses-history")  # noqa: S311 - demo data
    taken = set(
        SecurityAnalysis.municipalities.through.objects.values_list("municipality_id", flat=True)
    )
    candidates = [m for m in _cooperating_candidates() if m.pk not in taken]
    rng.shuffle(candidates)
    created = 0

    def create(municipality: Municipality, kickoff: date, presented: date | None) -> None:
        nonlocal created
        analysis = SecurityAnalysis.objects.create(
            title=f"Sicherheitsanalyse {municipality.name}",
            year=kickoff.year,
            planned_on=kickoff - timedelta(days=60),
            kickoff_on=kickoff,
            survey_on=kickoff + timedelta(days=45),
            evaluation_on=kickoff + timedelta(days=120),
            presented_on=presented,
            status=(
                SecurityAnalysis.Status.PRESENTED
                if presented
                else SecurityAnalysis.Status.EVALUATION
            ),
            notes=DEMO_NOTE,
        )
        analysis.municipalities.set([municipality])
        created += 1

    previous = date(2020, 3, 1)
    for milestone, target in ANALYSIS_MILESTONES:
        started = SecurityAnalysis.objects.filter(kickoff_on__lte=milestone).count()
        for _number in range(max(0, target - started)):
            if not candidates:
                break
            kickoff = previous + timedelta(days=rng.randint(1, (milestone - previous).days))
            create(candidates.pop(), kickoff, kickoff + timedelta(days=rng.randint(200, 330)))
        previous = milestone
    for ags, kickoff in LATE_ANALYSES:
        municipality = Municipality.objects.filter(ags=ags).first()
        if municipality is not None and municipality.pk not in taken:
            create(municipality, kickoff, date(2024, 6, 4) if ags == "14628050" else None)
    out.append(f"Sicherheitsanalysen früherer Jahre: {created} (Eckdaten) angelegt.")


def seed_coaching_history(out: list[str]) -> None:
    """Top up the coaching processes to the published counts, in councils' municipalities."""
    if CoachingProcess.objects.filter(notes=DEMO_NOTE).exists():
        return
    rng = random.Random("coaching-history")  # noqa: S311 - demo data
    coached = set(
        CoachingProcess.municipalities.through.objects.values_list("municipality_id", flat=True)
    )
    councils = PreventionCouncil.objects.exclude(constituted_on__isnull=True)
    candidates = [
        m
        for m in Municipality.objects.filter(prevention_councils__in=councils).order_by("ags")
        if m.pk not in coached
    ]
    rng.shuffle(candidates)
    previous = date(2019, 6, 1)
    created = 0
    today = date.today()  # noqa: DTZ011 - a calendar date is meant
    for position, (milestone, _target) in enumerate(COACHING_MILESTONES):
        # What is added here counts at every later milestone too: never overshoot one of them.
        room = min(
            target - CoachingProcess.objects.filter(started_on__lte=later).count()
            for later, target in COACHING_MILESTONES[position:]
        )
        for _number in range(max(0, room)):
            if not candidates:
                break
            day = previous + timedelta(days=rng.randint(1, (milestone - previous).days))
            ended = day + timedelta(days=rng.randint(180, 500))
            process = CoachingProcess.objects.create(
                requested_on=day - timedelta(days=rng.randint(10, 40)),
                started_on=day,
                ended_on=ended if ended <= today else None,
                status=(
                    CoachingProcess.Status.COMPLETED
                    if ended <= today
                    else CoachingProcess.Status.RUNNING
                ),
                notes=DEMO_NOTE,
            )
            process.municipalities.set([candidates.pop()])
            created += 1
        previous = milestone
    out.append(f"Coaching-Prozesse früherer Jahre: {created} angelegt.")
