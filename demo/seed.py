"""Demo data for development: the register, a user for every role and a plausible history.

Everything here is deterministic (a seeded random generator), idempotent (natural keys, so a second
run adds nothing) and allowed only where ``ASSKOMM_ALLOW_DEMO_DATA`` is on: demo accounts have a
published password.
"""

import hashlib
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Q

from accounts.models import User
from accounts.roles import Role
from figures import summary
from municipalities.models import (
    Consultation,
    Contact,
    CouncilMember,
    District,
    Municipality,
    PoliceDirectorate,
    PreventionCouncil,
    RegisterImport,
    Topic,
    WorkingGroup,
)
from municipalities.register_files import parse_register
from municipalities.services import (
    coordinator_assign,
    directorate_member_assign,
    register_import,
)

from .agreements import seed_agreements, seed_coaching
from .analyses import seed_analyses
from .builtin_register import builtin_edition
from .figures import (
    seed_analysis_history,
    seed_boundaries,
    seed_coaching_history,
    seed_training,
)
from .funding import seed_funding

DEMO_PASSWORD = "asskomm-demo"  # noqa: S105 - published on purpose; dev only
LAUNCH = date(2019, 2, 6)
MODEL_MUNICIPALITIES = {
    "14511000": "Chemnitz",
    "14628110": "Freital",
    "14626110": "Görlitz",
    "14713000": "Leipzig",
    "14628270": "Pirna",
    "14523320": "Plauen",
    "14729410": "Wurzen",
    "14524330": "Zwickau",
}
# Named in the press releases as "Große Kreisstadt".
MAJOR_DISTRICT_TOWNS = ("14628060", "14627060")


@dataclass(frozen=True)
class DemoUser:
    email: str
    first_name: str
    last_name: str
    role: str


DEMO_USERS = (
    DemoUser("verwaltung@lpr-sachsen.example", "Anja", "Lehmann", Role.ADMINISTRATION),
    DemoUser("referent@lpr-sachsen.example", "Thomas", "Becker", Role.OFFICER),
    DemoUser("referentin@lpr-sachsen.example", "Katrin", "Vogel", Role.OFFICER),
    DemoUser("coach@institut-b3.example", "Jana", "Richter", Role.COACH),
    DemoUser("koordination@dippoldiswalde.example", "Michael", "Schubert", Role.COORDINATOR),
    DemoUser("koordination@goeltzschtal.example", "Sabine", "Krause", Role.COORDINATOR),
    DemoUser("polizei@pd-dresden.example", "Frank", "Neumann", Role.POLICE),
)
# Which municipalities the demo coordinators look after (the second one a Verbund of three).
DEMO_COORDINATIONS = {
    "koordination@dippoldiswalde.example": ("14628060",),
    "koordination@goeltzschtal.example": ("14523020", "14523170", "14523360"),
}
DEMO_POLICE = {"polizei@pd-dresden.example": "dresden"}

# People named in the press releases, in the function they held there.
PRESS_CONTACTS = (
    ("14628060", "", "Kerstin", "Körner", "Oberbürgermeisterin", "Stadt Dippoldiswalde"),
    ("14625280", "", "Swen", "Nowotny", "Bürgermeister", "Gemeinde Königswartha"),
    ("14627060", "Dr.", "Sven", "Mißbach", "Oberbürgermeister", "Stadt Großenhain"),
    ("14627140", "", "Markus", "Renner", "Bürgermeister", "Stadt Meißen"),
)
PRESS_POLICE_CONTACTS = (
    ("dresden", "", "Peter", "Langer", "Leitender Polizeidirektor"),
    ("goerlitz", "", "Manfred", "Weißbach", "Polizeipräsident"),
)

# Published counts of advised municipalities (domain.md §1.2) the demo history follows.
ADVISED_MILESTONES = (
    (date(2020, 2, 6), 64),
    (date(2021, 1, 18), 100),
    (date(2021, 2, 6), 102),
    (date(2021, 11, 30), 126),
    (date(2022, 12, 31), 132),
    (date(2024, 12, 31), 141),
    (date(2026, 10, 31), 148),
)
# Published counts of councils constituted or reactivated.
COUNCIL_MILESTONES = (
    (date(2020, 2, 6), 16),
    (date(2021, 2, 6), 19),
    (date(2021, 6, 25), 21),
    (date(2021, 11, 30), 26),
    (date(2022, 12, 31), 27),
    (date(2025, 12, 31), 31),
)
# First contacts the press releases date or imply (AGS → date).
NAMED_FIRST_CONTACTS = {
    "14626530": date(2021, 1, 18),  # Seifhennersdorf, the 100th advised municipality
    "14628060": date(2021, 5, 10),  # Dippoldiswalde
    "14730310": date(2021, 3, 2),  # Torgau
    "14626600": date(2021, 4, 14),  # Weißwasser/O.L.
    "14626010": date(2021, 4, 14),  # Bad Muskau
    "14627060": date(2020, 9, 22),  # Großenhain
    "14627140": date(2019, 6, 4),  # Meißen
    "14625280": date(2022, 3, 8),  # Königswartha
    "14523020": date(2021, 11, 16),  # Auerbach/Vogtl.
    "14523170": date(2021, 11, 16),  # Lengenfeld
    "14523360": date(2021, 11, 16),  # Rodewisch
    "14524190": date(2022, 6, 1),  # Meerane
    "14628050": date(2022, 9, 13),  # Bannewitz
    "14626610": date(2019, 10, 1),  # Zittau
    "14729080": date(2019, 11, 5),  # Colditz
    "14524180": date(2019, 9, 17),  # Limbach-Oberfrohna
}
NAMED_COUNCILS = (
    # AGS, name, constituted, reactivated, resolution, reference
    ("14524330", "Kommunaler Präventionsrat Zwickau", date(2019, 5, 14), None, None, ""),
    (
        "14524180",
        "Kommunaler Präventionsrat Limbach-Oberfrohna",
        date(2019, 11, 20),
        None,
        None,
        "",
    ),
    (
        "14626610",
        "Kommunaler Präventionsrat Zittau",
        date(2020, 9, 24),
        None,
        date(2020, 7, 16),
        "172/2020",
    ),
    (
        "14626530",
        "Kommunaler Präventionsrat Seifhennersdorf",
        date(2021, 4, 21),
        None,
        date(2021, 3, 4),
        "",
    ),
    ("14729080", "Kommunaler Präventionsrat Colditz", date(2020, 1, 28), None, None, ""),
    (
        "14627140",
        "Kommunaler Präventionsrat der Stadt Meißen",
        date(2012, 3, 1),
        date(2019, 10, 8),
        None,
        "",
    ),
    ("14628060", "Sicherheitskreis Dippoldiswalde", date(2016, 5, 1), date(2021, 11, 9), None, ""),
)
COUNCIL_ORGANISATIONS = (
    ("Stadtverwaltung, Ordnungsamt", CouncilMember.Role.STEERING_GROUP),
    ("Polizeirevier", CouncilMember.Role.STEERING_GROUP),
    ("Bürgerpolizist", CouncilMember.Role.WORKING_GROUP),
    ("Oberschule", CouncilMember.Role.WORKING_GROUP),
    ("Kinder- und Jugendhaus (freier Träger)", CouncilMember.Role.WORKING_GROUP),
    ("Evangelische Kirchgemeinde", CouncilMember.Role.MEMBER),
    ("Diakonie", CouncilMember.Role.MEMBER),
    ("Freiwillige Feuerwehr", CouncilMember.Role.MEMBER),
    ("Technisches Hilfswerk (THW)", CouncilMember.Role.MEMBER),
    ("Gewerbeverein", CouncilMember.Role.MEMBER),
)
WORKING_GROUPS = (
    "Sicherheitsabsprache",
    "Ordnung und Sauberkeit",
    "Kinder und Jugend",
    "Seniorensicherheit",
)
FIRST_NAMES = ("Anna", "Lukas", "Maria", "Jonas", "Sophie", "Paul", "Laura", "Felix", "Lea", "Tim")
LAST_NAMES = (
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Wagner",
    "Hoffmann",
    "Schäfer",
    "Koch",
    "Bauer",
)


def ensure_allowed() -> None:
    if not settings.ASSKOMM_ALLOW_DEMO_DATA:
        raise ImproperlyConfigured(
            "Demo data (with published passwords) may only be loaded in development settings."
        )


def official_register_file() -> Path | None:
    """The GV100AD file to seed from: ASSKOMM_GV100AD, else the one in ../shared/data/."""
    if settings.ASSKOMM_GV100AD:
        return Path(settings.ASSKOMM_GV100AD)
    candidates = sorted(Path(settings.ASSKOMM_SHARED_DATA_DIR).glob("GV100AD_*.txt"))
    return candidates[-1] if candidates else None


def seed_register(out: list[str]) -> None:
    path = official_register_file()
    if path is not None:
        data = path.read_bytes()
        sha256 = hashlib.sha256(data).hexdigest()
        if RegisterImport.objects.filter(sha256=sha256).exists():
            out.append(f"Gemeindeverzeichnis {path.name} ist bereits importiert.")
            return
        summary = register_import(
            edition=parse_register(data, land="14"), file_name=path.name, sha256=sha256
        )
        counts = summary.municipalities
        out.append(
            f"Gemeindeverzeichnis {path.name}: {counts.created} Gemeinden angelegt, "
            f"{counts.updated} aktualisiert."
        )
        return
    if RegisterImport.objects.exists():
        out.append("Gemeindeverzeichnis ist bereits vorhanden.")
        return
    summary = register_import(edition=builtin_edition(), file_name="eingebaute Auswahl")
    out.append(
        f"Keine GV100AD-Datei gefunden: eingebaute Auswahl mit {summary.municipalities.created} "
        "Gemeinden geladen."
    )


def seed_users() -> dict[str, User]:
    users = {}
    # One hash for all demo accounts: hashing is deliberately slow, and these share a password.
    password_hash = make_password(DEMO_PASSWORD)
    for demo in DEMO_USERS:
        user, _created = User.objects.get_or_create(
            email=demo.email,
            defaults={
                "first_name": demo.first_name,
                "last_name": demo.last_name,
                "is_staff": demo.role in Role.STAFF,
                "password": password_hash,
            },
        )
        user.groups.add(Group.objects.get(name=demo.role))
        users[demo.email] = user
    for email, keys in DEMO_COORDINATIONS.items():
        for municipality in Municipality.objects.filter(ags__in=keys):
            coordinator_assign(user=users[email], municipality=municipality)
    for email, code in DEMO_POLICE.items():
        directorate_member_assign(
            user=users[email], directorate=PoliceDirectorate.objects.get(code=code)
        )
    return users


def _spread(rng: random.Random, start: date, end: date, count: int) -> list[date]:
    span = max((end - start).days, 1)
    return sorted(start + timedelta(days=rng.randint(1, span)) for _ in range(count))


def _first_contact_plan(rng: random.Random, municipalities: list[Municipality]) -> dict[str, date]:
    """First-consultation dates that follow the published counts of advised municipalities."""
    by_ags = {m.ags: m for m in municipalities}
    plan = {ags: LAUNCH for ags in MODEL_MUNICIPALITIES if ags in by_ags}
    plan.update({ags: day for ags, day in NAMED_FIRST_CONTACTS.items() if ags in by_ags})
    # Larger towns turn to the LPR first: draw the rest weighted by population.
    others = [m for m in municipalities if m.ags not in plan and m.dissolved_on is None]
    weights = [max(m.population or 1, 1) ** 0.7 for m in others]
    start = LAUNCH
    for milestone, target in ADVISED_MILESTONES:
        already = sum(1 for day in plan.values() if day <= milestone)
        missing = max(target - already, 0)
        chosen: list[Municipality] = []
        while others and len(chosen) < missing:
            pick = rng.choices(range(len(others)), weights=weights)[0]
            chosen.append(others.pop(pick))
            weights.pop(pick)
        for municipality, day in zip(
            chosen, _spread(rng, start, milestone, len(chosen)), strict=True
        ):
            plan[municipality.ags] = day
        start = milestone
    return plan


def seed_history(users: dict[str, User], out: list[str]) -> None:
    rng = random.Random(20190206)  # noqa: S311 - demo data, not security
    today = date.today()  # noqa: DTZ011 - a calendar date is meant
    Municipality.objects.filter(ags__in=MODEL_MUNICIPALITIES).update(is_model_municipality=True)
    Municipality.objects.filter(ags__in=MAJOR_DISTRICT_TOWNS, kind=Municipality.Kind.TOWN).update(
        kind=Municipality.Kind.MAJOR_DISTRICT_TOWN
    )
    municipalities = list(Municipality.objects.order_by("ags"))
    by_ags = {m.ags: m for m in municipalities}
    staff = [users["referent@lpr-sachsen.example"], users["referentin@lpr-sachsen.example"]]
    topics = list(Topic.objects.order_by("position"))
    plan = _first_contact_plan(rng, municipalities)

    for ags, title, first, last, function, organisation in PRESS_CONTACTS:
        municipality = by_ags.get(ags)
        if municipality:
            Contact.objects.get_or_create(
                municipality=municipality,
                last_name=last,
                first_name=first,
                defaults={"title": title, "function": function, "organisation": organisation},
            )
    for code, title, first, last, function in PRESS_POLICE_CONTACTS:
        directorate = PoliceDirectorate.objects.get(code=code)
        Contact.objects.get_or_create(
            police_directorate=directorate,
            last_name=last,
            first_name=first,
            defaults={"title": title, "function": function, "organisation": directorate.name},
        )

    created = 0
    for ags, first_day in sorted(plan.items(), key=lambda item: (item[1], item[0])):
        if first_day > today:
            continue
        municipality = by_ags[ags]
        # One generator per municipality: what is drawn does not depend on what existed before.
        local = random.Random(f"consultations-{ags}")  # noqa: S311
        later = _spread(local, first_day, first_day + timedelta(days=1400), local.randint(0, 4))
        for number, day in enumerate([first_day, *later]):
            kind = (
                Consultation.Kind.FIRST_CONTACT
                if number == 0
                else local.choice(
                    [Consultation.Kind.CONSULTATION, Consultation.Kind.PROJECT_CONSULTATION]
                )
            )
            chosen_topics = local.sample(topics, k=min(len(topics), local.randint(1, 3)))
            if day > today:
                continue
            consultation, was_created = Consultation.objects.get_or_create(
                municipality=municipality,
                date=day,
                kind=kind,
                defaults={
                    "staff_member": staff[number % 2],
                    "notes": "Demodaten.",
                },
            )
            if was_created:
                consultation.topics.set(chosen_topics)
                created += 1
    out.append(f"Beratungen: {created} angelegt, {len(plan)} Kommunen beraten.")

    council_count = _seed_councils(rng, by_ags, plan, today)
    out.append(f"Präventionsräte: {council_count} angelegt.")


def _seed_councils(
    rng: random.Random, by_ags: dict[str, Municipality], plan: dict[str, date], today: date
) -> int:
    created = 0
    wanted: list[tuple[str, str, date, date | None, date | None, str]] = [
        row for row in NAMED_COUNCILS if row[0] in by_ags
    ]
    for ags in MODEL_MUNICIPALITIES:
        if ags in by_ags and all(row[0] != ags for row in wanted):
            day = LAUNCH + timedelta(days=rng.randint(30, 300))
            wanted.append(
                (ags, f"Kommunaler Präventionsrat {by_ags[ags].name}", day, None, None, "")
            )
    named = {row[0] for row in wanted}
    advised = sorted((day, ags) for ags, day in plan.items() if ags not in named)
    previous = LAUNCH
    for milestone, target in COUNCIL_MILESTONES:
        while sum(1 for row in wanted if (row[3] or row[2]) <= milestone) < target and advised:
            first_day, ags = advised.pop(rng.randrange(len(advised)))
            # After the previous milestone, so that its published count stays as it is.
            earliest = max(
                first_day + timedelta(days=60),
                milestone - timedelta(days=300),
                previous + timedelta(days=1),
            )
            if earliest >= milestone:
                continue
            day = earliest + timedelta(days=rng.randint(0, (milestone - earliest).days))
            wanted.append(
                (ags, f"Kommunaler Präventionsrat {by_ags[ags].name}", day, None, None, "")
            )
        previous = milestone

    for ags, name, constituted, reactivated, resolution, reference in wanted:
        if (reactivated or constituted) > today:
            continue
        council, was_created = PreventionCouncil.objects.get_or_create(
            name=name,
            defaults={
                "level": PreventionCouncil.Level.MUNICIPALITY,
                "constituted_on": constituted,
                "reactivated_on": reactivated,
                "resolution_on": resolution,
                "resolution_reference": reference,
                "status": PreventionCouncil.Status.ACTIVE,
                "notes": "Demodaten.",
            },
        )
        if not was_created:
            continue
        created += 1
        council.municipalities.set([by_ags[ags]])
        _seed_members(random.Random(f"council-{ags}"), council, by_ags[ags])  # noqa: S311

    goerlitz = District.objects.filter(key="14626").first()
    if goerlitz is not None:
        council, was_created = PreventionCouncil.objects.get_or_create(
            name="Kriminalpräventiver Rat des Landkreises Görlitz",
            defaults={
                "level": PreventionCouncil.Level.DISTRICT,
                "district": goerlitz,
                "constituted_on": date(2009, 11, 25),
                "reactivated_on": date(2021, 6, 15),
                "resolution_on": date(2009, 10, 7),
                "status": PreventionCouncil.Status.ACTIVE,
                "notes": "Kreistagsbeschluss vom 7. Oktober 2009. Demodaten.",
            },
        )
        if was_created:
            created += 1
            CouncilMember.objects.create(
                council=council,
                organisation="Landratsamt Görlitz",
                function="Landrat",
                role=CouncilMember.Role.CHAIR,
            )
            CouncilMember.objects.create(
                council=council,
                organisation="Polizeidirektion Görlitz",
                role=CouncilMember.Role.STEERING_GROUP,
            )
    return created


def _seed_members(
    rng: random.Random, council: PreventionCouncil, municipality: Municipality
) -> None:
    mayor = Contact.objects.filter(
        municipality=municipality, function__icontains="bürgermeister"
    ).first()
    if mayor:
        council.chair = mayor
        council.save(update_fields=["chair"])
    CouncilMember.objects.create(
        council=council,
        organisation=f"Stadtverwaltung {municipality.name}"
        if municipality.kind != Municipality.Kind.MUNICIPALITY
        else f"Gemeindeverwaltung {municipality.name}",
        person_name=mayor.full_name if mayor else "",
        function=mayor.function if mayor else "Bürgermeister/in",
        role=CouncilMember.Role.CHAIR,
        joined_on=council.established_on,
    )
    group = WorkingGroup.objects.create(
        council=council,
        name=rng.choice(WORKING_GROUPS),
        is_standing=True,
        established_on=council.established_on,
    )
    for organisation, role in rng.sample(COUNCIL_ORGANISATIONS, k=rng.randint(4, 7)):
        CouncilMember.objects.create(
            council=council,
            organisation=organisation,
            person_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            role=role,
            working_group=group if role == CouncilMember.Role.WORKING_GROUP else None,
            joined_on=council.established_on,
        )


@transaction.atomic
def seed_demo() -> list[str]:
    """Load the whole demo; returns lines to report."""
    ensure_allowed()
    out: list[str] = []
    seed_register(out)
    users = seed_users()
    seed_history(users, out)
    seed_agreements(users, out)
    seed_coaching(users, out)
    seed_funding(users, out)
    seed_analyses(users, out)
    seed_analysis_history(out)
    seed_coaching_history(out)
    seed_training(out)
    seed_boundaries(out)
    if not Municipality.objects.filter(Q(is_model_municipality=True)).exists():
        out.append("Hinweis: keine Modellkommunen im Register gefunden.")
    build = summary.rebuild(force=True)
    if build is not None:
        out.append(f"Zahlen gespeichert: {build.steps} Stufen.")
    return out
