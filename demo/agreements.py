"""Demo cooperation agreements and coaching processes, following the press releases.

The agreements named in the press releases (Dippoldiswalde, Königswartha, Großenhain, Meißen and
Meerane as the 50th) go through the portal's own workflow and get their PDFs; the other
agreements up to number 49 are taken over as records from before the portal.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.files.base import ContentFile

from accounts.models import User
from agreements.models import (
    AgreedMeasure,
    CoachingProcess,
    CoachingSession,
    CooperationAgreement,
    Signatory,
)
from agreements.services import (
    agreement_sign,
    agreement_submit_for_signature,
    agreement_take_over,
    municipality_designation,
)
from asskomm.pdf import render_pdf
from municipalities.models import Consultation, Contact, Municipality

LPR = "Landespräventionsrat Sachsen"
N_N = "N. N."


@dataclass
class NamedAgreement:
    keys: tuple[str, ...]
    signed_on: date
    place: str
    signatories: list[tuple[str, str, str]]
    guests: str = ""
    measures: list[tuple[str, str]] = field(default_factory=list)
    signed: bool = True


NAMED = (
    NamedAgreement(
        ("14627060",),
        date(2021, 2, 23),
        "Großenhain",
        [
            ("kommune", "Dr. Sven Mißbach", "Oberbürgermeister"),
            ("polizeidirektion", N_N, "Polizeidirektion Dresden"),
            ("lpr", "Sven Forkert", "Geschäftsführer des Landespräventionsrates Sachsen"),
        ],
        measures=[
            (
                "projekte",
                "Kampagne „Bürger für unsere saubere Stadt“ gegen Schmierereien und "
                "Sachbeschädigungen, fachlich begleitet durch einen ASSKomm-Coach.",
            ),
        ],
    ),
    NamedAgreement(
        ("14628060",),
        date(2021, 11, 9),
        "Dippoldiswalde",
        [
            ("kommune", "Kerstin Körner", "Oberbürgermeisterin"),
            (
                "polizeidirektion",
                "Peter Langer",
                "Leitender Polizeidirektor, stellvertretender Dienststellenleiter",
            ),
            ("lpr", "Torsten Kosuch", "Landespräventionsrat Sachsen"),
        ],
        guests="Staatsminister Prof. Dr. Roland Wöller",
        measures=[
            (
                "koordinierungsstelle",
                "Einrichtung einer Koordinierungsstelle für den bestehenden „Sicherheitskreis“ "
                "(Stadtverwaltung, Polizei, THW, Feuerwehr, Krankenhaus, Diakonie).",
            ),
            (
                "projekte",
                "Zielgerichtete Projekte zur Entwicklung einer ganzheitlichen "
                "Präventionsstrategie.",
            ),
        ],
    ),
    NamedAgreement(
        ("14625280",),
        date(2022, 5, 17),
        "Königswartha",
        [
            ("kommune", "Swen Nowotny", "Bürgermeister"),
            ("polizeidirektion", "Manfred Weißbach", "Polizeipräsident"),
            ("lpr", "Sven Forkert", "Geschäftsführer des Landespräventionsrates Sachsen"),
        ],
        measures=[
            (
                "sonstiges",
                "Aufbau von Netzwerken; überregionaler Erfahrungsaustausch; "
                "Vermittlung eines ASSKomm-Coaches.",
            )
        ],
    ),
    NamedAgreement(
        ("14627140",),
        date(2022, 9, 20),
        "Meißen",
        [
            ("kommune", "Markus Renner", "Bürgermeister"),
            ("polizeidirektion", N_N, "Polizeidirektion Dresden"),
            (
                "lpr",
                "Anja Herold-Beckmann",
                "Stellvertretende Geschäftsführerin des Landespräventionsrates Sachsen",
            ),
        ],
        measures=[("kpr", "Weiterentwicklung des Kommunalen Präventionsrates der Stadt Meißen.")],
    ),
    NamedAgreement(
        ("14524190",),
        date(2023, 4, 25),
        "Meerane",
        [
            ("kommune", N_N, "Bürgermeister"),
            ("polizeidirektion", N_N, "Polizeidirektion Zwickau"),
            ("lpr", "Sven Forkert", "Geschäftsführer des Landespräventionsrates Sachsen"),
        ],
        measures=[("sonstiges", "Zusammenarbeit mit dem gemeindlichen Vollzugsdienst.")],
    ),
)
# Known dates of agreements taken over without portal documents (domain.md §1.1).
KNOWN_TAKE_OVERS = {
    ("14730310",): (date(2021, 6, 25), "Torgau"),
    ("14626600",): (date(2021, 9, 10), "Weißwasser/O.L."),
    ("14626010",): (date(2021, 9, 10), "Bad Muskau"),
    ("14523020", "14523170", "14523360"): (date(2022, 7, 22), "Auerbach/Vogtl."),
    ("14628050",): (date(2023, 3, 1), "Bannewitz"),
}
# Published counts of agreements: 29 by Nov 2021, 36 in 2022, Meerane the 50th on 25 Apr 2023.
MILESTONES = ((date(2021, 11, 30), 29), (date(2022, 12, 31), 36), (date(2023, 4, 24), 49))


def _demo_signed_copy(agreement: CooperationAgreement) -> ContentFile:
    rendered = render_pdf(
        "demo/signed_copy.html",
        {
            "label": agreement.label,
            "parties": (agreement.frozen_content or {}).get("title_parties", ""),
            "signed_on": agreement.planned_on,
            "place": agreement.signing_place,
            "signatories": agreement.signatories.all(),
        },
    )
    return ContentFile(rendered.data, name="unterzeichnet.pdf")


def _lpr_contact() -> Contact:
    contact, _created = Contact.objects.get_or_create(
        last_name="Kosuch",
        first_name="Torsten",
        organisation=LPR,
        defaults={"function": "Referent ASSKomm", "notes": "Demodaten."},
    )
    return contact


def seed_agreements(users: dict[str, User], out: list[str]) -> None:
    if CooperationAgreement.objects.exists():
        out.append("Kooperationsvereinbarungen sind bereits vorhanden.")
        return
    officer = users["referent@lpr-sachsen.example"]
    by_ags = {m.ags: m for m in Municipality.objects.select_related("district")}
    rng = random.Random("agreements")  # noqa: S311 - demo data
    plan: list[tuple[date, tuple[str, ...], str, NamedAgreement | None]] = []
    for named in NAMED:
        if all(key in by_ags for key in named.keys):
            plan.append((named.signed_on, named.keys, named.place, named))
    for keys, (day, place) in KNOWN_TAKE_OVERS.items():
        if all(key in by_ags for key in keys):
            plan.append((day, keys, place, None))
    taken = {key for _day, keys, _place, _named in plan for key in keys}
    advised = [
        (first, ags)
        for ags, first in Consultation.objects.filter(kind=Consultation.Kind.FIRST_CONTACT)
        .order_by("date")
        .values_list("municipality__ags", "date")
        if ags not in taken
    ]
    start = date(2019, 6, 1)
    for milestone, target in MILESTONES:
        missing = target - sum(1 for day, *_rest in plan if day <= milestone)
        candidates = [item for item in advised if item[0] < milestone - timedelta(days=90)]
        for first, ags in rng.sample(candidates, k=min(max(missing, 0), len(candidates))):
            advised.remove((first, ags))
            earliest = max(start, first + timedelta(days=60))
            day = earliest + timedelta(days=rng.randint(0, max((milestone - earliest).days, 0)))
            plan.append((day, (ags,), by_ags[ags].name, None))
        start = milestone
    plan.sort(key=lambda entry: (entry[0], entry[1]))

    contact = _lpr_contact()
    rendered = 0
    for number, (day, keys, place, entry) in enumerate(plan, start=1):
        municipalities = [by_ags[key] for key in keys]
        if entry is None:
            agreement_take_over(
                number=number,
                signed_on=day,
                municipalities=municipalities,
                signatories=[
                    *(
                        ("kommune", N_N, f"für {municipality_designation(m)}")
                        for m in municipalities
                    ),
                    ("polizeidirektion", N_N, "Polizeidirektion"),
                    ("lpr", "Sven Forkert", "Geschäftsführer des Landespräventionsrates Sachsen"),
                ],
                signing_place=place,
                user=officer,
                notes="Demodaten: übernommen aus der Liste der Geschäftsstelle.",
            )
            continue
        agreement = CooperationAgreement.objects.create(
            signing_place=place,
            planned_on=day,
            guests_of_honour=entry.guests,
            lpr_contact=contact,
            notes="Demodaten nach der Pressemitteilung.",
        )
        agreement.municipalities.set(municipalities)
        for position, (party, name, function) in enumerate(entry.signatories, start=1):
            Signatory.objects.create(
                agreement=agreement,
                party=party,
                person_name=name,
                function=function,
                position=position,
            )
        for position, (kind, description) in enumerate(entry.measures, start=1):
            AgreedMeasure.objects.create(
                agreement=agreement, kind=kind, description=description, position=position
            )
        agreement_submit_for_signature(agreement=agreement, user=officer)
        agreement.refresh_from_db()
        if entry.signed:
            agreement_sign(
                agreement=agreement,
                signed_on=day,
                signed_copy=_demo_signed_copy(agreement),
                user=officer,
            )
        rendered += 1
    _seed_open_agreement(by_ags, contact, officer)
    out.append(
        f"Kooperationsvereinbarungen: {len(plan) + 1} angelegt, {rendered + 1} mit PDF "
        f"(die 50. ist {CooperationAgreement.objects.filter(number=50).first()})."
    )


def _seed_open_agreement(by_ags: dict[str, Municipality], contact: Contact, officer: User) -> None:
    """A current agreement waiting for signatures, to show the workflow."""
    hoyerswerda = by_ags.get("14625240")
    if hoyerswerda is None:
        return
    agreement = CooperationAgreement.objects.create(
        signing_place="Hoyerswerda",
        planned_on=date(2026, 12, 8),
        lpr_contact=contact,
        notes="Demodaten: Unterzeichnung geplant.",
    )
    agreement.municipalities.set([hoyerswerda])
    for position, (party, name, function) in enumerate(
        [
            ("kommune", N_N, "Oberbürgermeister"),
            ("polizeidirektion", N_N, "Polizeipräsident"),
            ("lpr", "Sven Forkert", "Geschäftsführer des Landespräventionsrates Sachsen"),
        ],
        start=1,
    ):
        Signatory.objects.create(
            agreement=agreement, party=party, person_name=name, function=function, position=position
        )
    agreement_submit_for_signature(agreement=agreement, user=officer)


def seed_coaching(users: dict[str, User], out: list[str]) -> None:
    if CoachingProcess.objects.exists():
        return
    coach = users["coach@institut-b3.example"]
    rng = random.Random("coaching")  # noqa: S311 - demo data
    agreements = list(
        CooperationAgreement.objects.filter(status=CooperationAgreement.Status.SIGNED)
        .prefetch_related("municipalities")
        .order_by("signed_on")
    )
    topics = [choice for choice, _label in CoachingProcess.Topic.choices]
    today = date.today()  # noqa: DTZ011 - a calendar date is meant
    for index, agreement in enumerate(agreements[:40]):
        signed_on: date = agreement.signed_on or agreement.planned_on or today
        requested = signed_on + timedelta(days=rng.randint(14, 120))
        if requested > today:
            continue
        started = requested + timedelta(days=rng.randint(10, 45))
        ended = started + timedelta(days=rng.randint(180, 540))
        running = ended > today or index % 7 == 0
        process = CoachingProcess.objects.create(
            coach=coach if index % 4 == 0 else None,
            requested_on=requested,
            started_on=started if started <= today else None,
            ended_on=None if running else ended,
            status=CoachingProcess.Status.RUNNING if running else CoachingProcess.Status.COMPLETED,
            topics=rng.sample(topics, k=rng.randint(1, 2)),
            notes="Demodaten.",
        )
        if process.started_on is None:
            process.status = CoachingProcess.Status.REQUESTED
            process.save(update_fields=["status"])
        process.municipalities.set(agreement.municipalities.all())
        if process.coach_id and process.started_on:
            for number in range(rng.randint(2, 5)):
                day = process.started_on + timedelta(days=30 * number + rng.randint(0, 10))
                if day <= today:
                    CoachingSession.objects.create(
                        process=process,
                        date=day,
                        duration_minutes=rng.choice([60, 90, 120, 180]),
                        participants="Koordinierungsstelle, Ordnungsamt, Polizeirevier",
                        notes="Demodaten.",
                    )
    out.append(f"Coaching-Prozesse: {CoachingProcess.objects.count()} angelegt.")
