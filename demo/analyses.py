"""Demo security analyses: one complete (Markkleeberg 2021), one under way (Dippoldiswalde).

DEMO DATA, SYNTHETIC: the crime figures, populations and the 800 survey answers below are made
up by a seeded generator so that the demo looks like a real analysis. They are not police
statistics and not a real survey, and every row says so in its source. They go through the same
CSV importers and services as real data would.
"""

import random
from datetime import date
from io import BytesIO
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User
from analyses.models import ChecklistTask, Recommendation, SecurityAnalysis, SurveyBenchmark
from analyses.services import (
    analysis_advance,
    analysis_create,
    checklist_tick,
    crime_statistics_import,
    final_report_upload,
    population_import,
    report_render,
    survey_import,
)
from analyses.survey_items import AGE_GROUPS, ITEMS
from municipalities.models import Municipality

SOURCE = "Demodaten (synthetisch erzeugt, keine amtliche Statistik)"
YEARS = range(2016, 2022)
MARKKLEEBERG, LANDKREIS_LEIPZIG, SAXONY = "14729260", "14729", "14"

# Population at the end of 2021 and the yearly change before it (synthetic, realistic sizes).
POPULATION_2021 = {MARKKLEEBERG: 24_900, LANDKREIS_LEIPZIG: 258_100, SAXONY: 4_043_000}
POPULATION_CHANGE = {MARKKLEEBERG: 0.006, LANDKREIS_LEIPZIG: 0.001, SAXONY: -0.002}
# Häufigkeitszahl of all offences in 2016 and the yearly change (synthetic).
RATE_2016 = {MARKKLEEBERG: 4_300.0, LANDKREIS_LEIPZIG: 4_900.0, SAXONY: 7_600.0}
RATE_CHANGE = {MARKKLEEBERG: -0.035, LANDKREIS_LEIPZIG: -0.03, SAXONY: -0.04}
# Share of each offence group in all offences (PMK: per 100,000 inhabitants instead).
SHARES = {
    "diebstahl": 0.36,
    "sachbeschaedigung": 0.10,
    "rohheit": 0.13,
    "gewalt": 0.03,
    "strassen": 0.26,
    "rauschgift": 0.05,
}
PMK_RATE = 70.0

DISTRICTS = (
    ("Markkleeberg-Mitte", 0.24),
    ("Markkleeberg-West", 0.20),
    ("Markkleeberg-Ost", 0.17),
    ("Gautzsch", 0.12),
    ("Zöbigker", 0.09),
    ("Großstädteln", 0.07),
    ("Wachau", 0.05),
    ("Gaschwitz", 0.045),
    ("Auenhain", 0.005),  # so small that its cells are suppressed in the report
)
AGE_WEIGHTS = (0.08, 0.20, 0.33, 0.27, 0.12)
SAMPLE, RETURNED = 2_000, 800

RECOMMENDATIONS = (
    (
        "Sauberkeit und Ordnung an Haltestellen und im Rathauspark stärken",
        "Müll und Vandalismus sind die meistgenannten Probleme; Reinigungsintervalle, "
        "Patenschaften und schnelle Beseitigung von Schäden.",
        "vermuellung",
        "hoch",
    ),
    (
        "Beleuchtung und Sichtachsen an Wegen zum S-Bahnhof verbessern",
        "Nachts fühlen sich vor allem Ältere unsicher; dunkle Wege werden gemieden.",
        "sonstiges",
        "hoch",
    ),
    (
        "Präventionsangebote gegen Betrug an Seniorinnen und Senioren",
        "Die Furcht, bestohlen oder betrogen zu werden, ist bei den über 60-Jährigen am höchsten.",
        "senioren",
        "mittel",
    ),
    (
        "Verkehrsüberwachung in Wohngebieten mit der Polizei abstimmen",
        "Rücksichtsloses Fahren und Falschparken werden häufig genannt.",
        "verkehr",
        "mittel",
    ),
    (
        "Jugendbeteiligung: Treffpunkte im öffentlichen Raum gemeinsam gestalten",
        "Gruppen im öffentlichen Raum stören manche; Aufenthaltsorte mit Jugendlichen planen.",
        "jugend",
        "niedrig",
    ),
)


def _csv(lines: list[list[Any]], name: str) -> SimpleUploadedFile:
    text = "\n".join(";".join(str(value) for value in line) for line in lines) + "\n"
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def statistics_files(rng: random.Random) -> tuple[SimpleUploadedFile, SimpleUploadedFile]:
    """Population and crime figures of Markkleeberg, its Kreis and Saxony, 2016–2021 (synthetic)."""
    population_lines: list[list[Any]] = [["schluessel", "jahr", "einwohner"]]
    crime_lines: list[list[Any]] = [["schluessel", "jahr", "straftatengruppe", "faelle"]]
    for key in (MARKKLEEBERG, LANDKREIS_LEIPZIG, SAXONY):
        for year in YEARS:
            inhabitants = round(
                POPULATION_2021[key] * (1 + POPULATION_CHANGE[key]) ** (year - 2021)
            )
            population_lines.append([key, year, inhabitants])
            rate = RATE_2016[key] * (1 + RATE_CHANGE[key]) ** (year - 2016)
            rate *= 1 + rng.uniform(-0.04, 0.04)
            total = round(rate * inhabitants / 100_000)
            crime_lines.append([key, year, "insgesamt", total])
            for group, share in SHARES.items():
                crime_lines.append(
                    [key, year, group, round(total * share * (1 + rng.uniform(-0.08, 0.08)))]
                )
            pmk = PMK_RATE * (1 + rng.uniform(-0.2, 0.2)) * inhabitants / 100_000
            crime_lines.append([key, year, "pmk", round(pmk)])
    return (
        _csv(population_lines, "einwohner-demodaten.csv"),
        _csv(crime_lines, "pks-demodaten.csv"),
    )


def survey_file(rng: random.Random) -> SimpleUploadedFile:
    """800 returned questionnaires (synthetic): answers depend a little on age and district."""
    header = ["fragebogen", "altersgruppe", "ortsteil", *[item.code for item in ITEMS]]
    lines: list[list[Any]] = [header]
    district_names = [name for name, _weight in DISTRICTS]
    district_weights = [weight for _name, weight in DISTRICTS]
    numbers = rng.sample(range(1, SAMPLE + 1), RETURNED)
    for number in sorted(numbers):
        age_index = rng.choices(range(len(AGE_GROUPS)), AGE_WEIGHTS)[0]
        district = rng.choices(district_names, district_weights)[0]
        # Older people and people in the centre feel a little less safe at night.
        worry = 0.15 * age_index + (0.35 if district == "Markkleeberg-Mitte" else 0.0)
        row: list[Any] = [
            f"MKB-{number:04d}",
            AGE_GROUPS[age_index] if rng.random() > 0.02 else "",
            district if rng.random() > 0.04 else "",
        ]
        for item in ITEMS:
            if rng.random() < 0.03:
                row.append("")  # no answer
                continue
            size = len(item.scale)
            centre = {
                "sicherheitsgefuehl": 1.9 + worry,
                "kriminalitaetsfurcht": 1.8 + worry * 0.8,
                "probleme": {"problem_muell": 2.7, "problem_verkehr": 2.6}.get(item.code, 2.0),
                "zufriedenheit": 2.1,
                "polizei": 2.1,
            }[item.topic]
            if item.code == "sicher_tags":
                centre -= 0.6
            value = round(rng.gauss(centre, 0.8))
            row.append(min(max(value, 1), size))
        lines.append(row)
    return _csv(lines, "befragung-markkleeberg-demodaten.csv")


def _upload_pdf(data: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, BytesIO(data).getvalue(), content_type="application/pdf")


def seed_analyses(users: dict[str, User], out: list[str]) -> None:
    if SecurityAnalysis.objects.exists():
        out.append("Sicherheitsanalysen sind bereits vorhanden.")
        return
    officer = users["referentin@lpr-sachsen.example"]
    rng = random.Random("sicherheitsanalyse-markkleeberg")  # noqa: S311 - demo data
    population, crime = statistics_files(rng)
    SurveyBenchmark.objects.get_or_create(
        item="sicher_nachts",
        year=2021,
        defaults={
            "share": 25,
            "source": "Demo-Vergleichswert – vor echter Nutzung durch einen veröffentlichten "
            "Wert (z. B. einer repräsentativen Befragung) ersetzen",
        },
    )
    population_import(upload=population, user=officer, source=SOURCE)
    crime_statistics_import(upload=crime, user=officer, source=SOURCE)

    markkleeberg = Municipality.objects.filter(ags=MARKKLEEBERG).first()
    if markkleeberg is not None:
        analysis = analysis_create(
            title="Sicherheitsanalyse Markkleeberg",
            year=2021,
            municipalities=[markkleeberg],
            user=officer,
            sample_size=SAMPLE,
            notes="Demodaten: Fallzahlen und Befragung sind synthetisch erzeugt.",
        )
        SecurityAnalysis.objects.filter(pk=analysis.pk).update(planned_on=date(2020, 11, 10))
        for stage_day in (date(2021, 3, 15), date(2021, 4, 19), date(2021, 6, 14)):
            analysis = analysis_advance(analysis=analysis, on=stage_day, user=officer)
        for task in analysis.checklist.all():
            checklist_tick(task=task, done=True, user=officer)
        ChecklistTask.objects.filter(analysis=analysis).update(done_on=date(2021, 5, 28))
        survey_import(analysis=analysis, upload=survey_file(rng), user=officer)
        for number, (title, text, field, priority) in enumerate(RECOMMENDATIONS, start=1):
            Recommendation.objects.create(
                analysis=analysis,
                number=number,
                title=title,
                text=text,
                field_of_action=field,
                priority=priority,
                progress="in_umsetzung" if number <= 2 else "offen",
            )
        # The contractor's final report: here the portal's own draft stands in for it.
        draft = report_render(analysis_id=analysis.pk)
        with draft.file.open("rb") as handle:
            final_report_upload(
                analysis=analysis,
                upload=_upload_pdf(handle.read(), "abschlussbericht.pdf"),
                user=officer,
            )
        analysis = analysis_advance(analysis=analysis, on=date(2021, 9, 8), user=officer)
        analysis = analysis_advance(analysis=analysis, on=date(2021, 11, 2), user=officer)
        out.append(
            f"Sicherheitsanalyse Markkleeberg 2021: {analysis.responses.count()} Fragebögen "
            "(Demodaten), Abschlussbericht, 5 Handlungsempfehlungen."
        )

    dippoldiswalde = Municipality.objects.filter(ags="14628060").first()
    coordinator = users.get("koordination@dippoldiswalde.example")
    if dippoldiswalde is not None:
        current = analysis_create(
            title="Sicherheitsanalyse Dippoldiswalde",
            year=2026,
            municipalities=[dippoldiswalde],
            user=officer,
            sample_size=1_500,
        )
        SecurityAnalysis.objects.filter(pk=current.pk).update(planned_on=date(2026, 6, 30))
        current = analysis_advance(analysis=current, on=date(2026, 9, 1), user=officer)
        tasks = {task.task: task for task in current.checklist.all()}
        checklist_tick(task=tasks["melderegister"], done=True, user=coordinator or officer)
        checklist_tick(task=tasks["anschreiben"], done=True, user=coordinator or officer)
        out.append("Sicherheitsanalyse Dippoldiswalde 2026: Kick-off, zwei Aufgaben erledigt.")
