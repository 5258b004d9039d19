"""A synthetic dataset at the scale of all of Germany, next to the Saxony demo.

``seed_demo`` loads Saxony (14) with its real register and a plausible history; ``generate()``
adds the other fifteen Länder synthetically, so every Saxony figure is contained in Germany's:

- the register: about 10,300 municipalities in 387 Kreise (the real counts per Land), keys built
  like real ones (AGS = 2-digit Land, Regierungsbezirk digit, 2-digit Kreis, 3-digit Gemeinde;
  ARS with the Verband), Verwaltungsgemeinschaften where the Land has them, a few
  Polizeidirektionen per Land;
- 2019–2026 of history in the proportions of the Saxony demo (a third of the municipalities
  advised, with councils, agreements, coaching and analyses among them), and about 100,000
  funding applications with their decisions (grants, amendments, rejections) and payments.

Everything is drawn from one seeded generator (the same data on every run) and written with
``bulk_create`` in batches, without history rows (nothing of the measured pages reads them).

Run: ``.venv/bin/python bench/germany.py --database-url postgres://…/asskomm_germany_bench``
migrates, loads the Saxony demo, generates, and marks the database as complete (a comment on the
database); a second run finds the mark and does nothing (``--regenerate`` starts afresh).
Importing this module does nothing: ``generate()`` is what the tests call, on any database.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GENERATOR_VERSION = 1
LAUNCH = date(2019, 2, 6)
END = date(2026, 11, 30)  # the last day of synthetic history (fixed: the same data every run)
BATCH = 2000
SAXONY = "14"


@dataclass(frozen=True)
class Land:
    code: str
    name: str
    municipalities: int
    rural_districts: int  # Landkreise
    cities: int  # kreisfreie Städte
    regions: str  # Regierungsbezirk digits ("0": none)
    associations: bool  # has Verwaltungsgemeinschaften, Ämter, Samt- or Verbandsgemeinden


# The other fifteen Länder with their real numbers of municipalities and Kreise (rounded).
LANDS = (
    Land("01", "Schleswig-Holstein", 1106, 11, 4, "0", True),
    Land("02", "Hamburg", 1, 0, 1, "0", False),
    Land("03", "Niedersachsen", 941, 37, 8, "1234", True),
    Land("04", "Bremen", 2, 0, 2, "0", False),
    Land("05", "Nordrhein-Westfalen", 396, 31, 22, "13579", False),
    Land("06", "Hessen", 421, 21, 5, "456", False),
    Land("07", "Rheinland-Pfalz", 2301, 24, 12, "123", True),
    Land("08", "Baden-Württemberg", 1101, 35, 9, "1234", True),
    Land("09", "Bayern", 2056, 71, 25, "1234567", True),
    Land("10", "Saarland", 52, 6, 0, "0", False),
    Land("11", "Berlin", 1, 0, 1, "0", False),
    Land("12", "Brandenburg", 413, 14, 4, "0", True),
    Land("13", "Mecklenburg-Vorpommern", 726, 6, 2, "0", True),
    Land("15", "Sachsen-Anhalt", 218, 11, 3, "0", True),
    Land("16", "Thüringen", 605, 17, 5, "0", True),
)
REGIONS = ("Nord", "Süd", "Ost", "West", "Mitte", "Nordost", "Südwest", "Nordwest", "Südost")
PREFIXES = ("", "", "", "Ober", "Unter", "Neu", "Alt", "Groß", "Klein", "Bad ", "Hohen", "Nieder")
ROOTS = (
    "Eich",
    "Buch",
    "Lin",
    "Ro",
    "Wal",
    "Sten",
    "Ham",
    "Berg",
    "Mühl",
    "Wer",
    "Fal",
    "Rin",
    "Hart",
    "Sal",
    "Tan",
    "Dorn",
    "Kirch",
    "Brun",
    "Hel",
    "Ros",
    "Fried",
    "Gold",
    "Lau",
    "Mar",
)
SUFFIXES = (
    "bach",
    "dorf",
    "feld",
    "hausen",
    "heim",
    "stedt",
    "ingen",
    "burg",
    "berg",
    "au",
    "rode",
    "hagen",
    "walde",
    "beck",
)
FIRST_NAMES = ("Anna", "Lukas", "Maria", "Jonas", "Sophie", "Paul", "Laura", "Felix", "Lea", "Tim")
LAST_NAMES = ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Wagner", "Hoffmann", "Koch")
ORGANISATIONS = (
    "Ordnungsamt",
    "Polizeirevier",
    "Oberschule",
    "Jugendhaus (freier Träger)",
    "Kirchgemeinde",
    "Freiwillige Feuerwehr",
    "Gewerbeverein",
)
TITLES = (
    "Präventionswoche an der Oberschule",
    "Sauberes Stadtzentrum",
    "Sicher unterwegs im Alter",
    "Koordinierungsstelle Prävention",
    "Streetwork am Bahnhof",
    "Graffiti-Projekt mit Jugendlichen",
    "Fachtag Gewaltprävention",
    "Nachbarschaft hilft",
)
FIELDS = (
    "graffiti",
    "vermuellung",
    "gewalt",
    "extremismus",
    "drogen",
    "jugend",
    "senioren",
    "verkehr",
    "strukturaufbau",
)


def _day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max((end - start).days, 0)))


def _place_name(rng: random.Random) -> str:
    prefix = rng.choice(PREFIXES)
    root = rng.choice(ROOTS) + rng.choice(SUFFIXES)
    return f"{prefix}{root.lower() if prefix and not prefix.endswith(' ') else root}"


def _bulk(model: Any, rows: Iterable[Any]) -> list[Any]:
    """Insert in batches; returns the objects (with their primary keys)."""
    rows = list(rows)
    return model.objects.bulk_create(rows, batch_size=BATCH)


def _register(
    rng: random.Random, lands: tuple[Land, ...], per_kreis: int | None, counts: dict[str, int]
) -> list[Any]:
    """Police directorates, Kreise, associations and municipalities of the given Länder."""
    from municipalities.models import (
        AdministrativeAssociation,
        District,
        Municipality,
        PoliceDirectorate,
    )

    municipalities: list[Municipality] = []
    for land in lands:
        kreise = land.rural_districts + land.cities
        directorates = [
            PoliceDirectorate(
                code=f"pd-{land.code}-{number + 1}",
                name=f"Polizeidirektion {land.name} {REGIONS[number % len(REGIONS)]}"
                + (f" {number // len(REGIONS) + 1}" if number >= len(REGIONS) else ""),
                seat=_place_name(rng),
            )
            for number in range(max(1, round(kreise / 8)))
        ]
        _bulk(PoliceDirectorate, directorates)
        # Kreise: kreisfreie Städte first (Kreis numbers 01…), then Landkreise (51…), spread
        # over the Regierungsbezirke like the real keys.
        districts: list[tuple[District, int]] = []
        # City states: Hamburg 02000, Berlin 11000; Bremen 04011 and 04012.
        first_city = 0 if kreise == 1 else 11 if land.rural_districts == 0 else 1
        region_next = {region: [first_city, 51] for region in land.regions}
        rural_sizes = _split(rng, land.municipalities - land.cities, land.rural_districts)
        for position in range(kreise):
            region = land.regions[position % len(land.regions)]
            is_city = position < land.cities
            number = region_next[region][0 if is_city else 1]
            region_next[region][0 if is_city else 1] += 1
            name = _place_name(rng)
            district = District(
                key=f"{land.code}{region}{number:02d}",
                name=name if is_city else f"Landkreis {name}",
                official_name=f"Kreisfreie Stadt {name}" if is_city else f"Landkreis {name}",
                kind=District.Kind.DISTRICT_FREE_CITY if is_city else District.Kind.RURAL_DISTRICT,
                seat=name,
                police_directorate=directorates[position % len(directorates)],
            )
            size = 1 if is_city else rural_sizes[position - land.cities]
            if per_kreis is not None and not is_city:
                size = per_kreis
            districts.append((district, size))
        _bulk(District, [district for district, _size in districts])
        for directorate in directorates:
            directorate.district_keys = [
                district.key
                for district, _size in districts
                if district.police_directorate is directorate
            ]
        PoliceDirectorate.objects.bulk_update(directorates, ["district_keys"])
        counts["police_directorates"] += len(directorates)
        counts["districts"] += len(districts)

        associations: list[AdministrativeAssociation] = []
        planned: list[tuple[District, int, AdministrativeAssociation | None]] = []
        for district, size in districts:
            if district.kind == District.Kind.DISTRICT_FREE_CITY:
                planned.append((district, 0, None))
                continue
            association: AdministrativeAssociation | None = None
            left = 0
            for number in range(1, size + 1):
                if left == 0:
                    association = None
                    # About half of the municipalities belong to an association, 3 to 9 each.
                    if land.associations and rng.random() < 0.5 and size - number >= 2:
                        seat = _place_name(rng)
                        association = AdministrativeAssociation(
                            key=f"{district.key}{5000 + len(associations) + 1:04d}",
                            name=seat,
                            kind=rng.choice(AdministrativeAssociation.Kind.values),
                            seat=seat,
                            district=district,
                        )
                        associations.append(association)
                        left = rng.randint(3, 9)
                planned.append((district, number, association))
                if left:
                    left -= 1
        _bulk(AdministrativeAssociation, associations)
        counts["associations"] += len(associations)
        rows = []
        for district, number, association in planned:
            city = number == 0
            name = district.name if city else _place_name(rng)
            ags = f"{district.key}{number:03d}"
            verband = association.key[5:] if association else f"0{number:03d}"
            population = (
                rng.randint(60_000, 1_800_000)
                if city
                else int(min(rng.lognormvariate(7.6, 1.1), 90_000)) + 50
            )
            rows.append(
                Municipality(
                    ags=ags,
                    ars=f"{district.key}{verband}{number:03d}",
                    name=name,
                    official_name=f"Stadt {name}" if city or population > 8000 else name,
                    kind=Municipality.Kind.DISTRICT_FREE_CITY
                    if city
                    else Municipality.Kind.TOWN
                    if population > 8000
                    else Municipality.Kind.MUNICIPALITY,
                    district=district,
                    association=association,
                    population=population,
                    population_date=date(2024, 12, 31),
                    area_km2=Decimal(rng.randint(300, 20_000)) / 100,
                    postcode=f"{rng.randint(1067, 99998):05d}",
                )
            )
        municipalities.extend(_bulk(Municipality, rows))
    counts["municipalities"] += len(municipalities)
    return municipalities


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    """``total`` split into ``parts`` sizes of at least 1, unevenly like real Kreise."""
    if parts == 0:
        return []
    weights = [rng.uniform(0.4, 1.6) for _part in range(parts)]
    scale = max(total - parts, 0) / sum(weights)
    sizes = [1 + int(weight * scale) for weight in weights]
    sizes[0] += total - sum(sizes)
    return sizes


def _users(rng: random.Random, lands: tuple[Land, ...], counts: dict[str, int]) -> dict[str, Any]:
    """Two LPR officers, a coach and a coordinator per Land (no usable password)."""
    from django.contrib.auth.models import Group

    from accounts.models import User
    from accounts.roles import Role

    users: dict[str, list[Any]] = {"officers": [], "coaches": [], "coordinators": []}
    rows = []
    for land in lands:
        for kind, role, staff, number in (
            ("officers", Role.OFFICER, True, 1),
            ("officers", Role.OFFICER, True, 2),
            ("coaches", Role.COACH, False, 1),
            ("coordinators", Role.COORDINATOR, False, 1),
        ):
            user = User(
                email=f"{kind[:-1]}{number}@land-{land.code}.bench.example",
                first_name=rng.choice(FIRST_NAMES),
                last_name=rng.choice(LAST_NAMES),
                is_staff=staff,
                password="!bench-no-password",  # noqa: S106 - unusable on purpose
            )
            rows.append((kind, role, user))
    _bulk(User, [user for _kind, _role, user in rows])
    groups = {group.name: group for group in Group.objects.all()}
    memberships = []
    for kind, role, user in rows:
        users[kind].append(user)
        if role in groups:
            memberships.append(User.groups.through(user_id=user.pk, group_id=groups[role].pk))
    _bulk(User.groups.through, memberships)
    counts["users"] += len(rows)
    return users


def _per_municipality_history(
    rng: random.Random,
    municipalities: list[Any],
    users: dict[str, Any],
    counts: dict[str, int],
) -> dict[int, date]:
    """Consultations, councils, agreements, coaching and analyses; returns first contacts."""
    from agreements.models import (
        CoachingProcess,
        CoachingSession,
        CooperationAgreement,
        Signatory,
    )
    from analyses.models import ChecklistTask, SecurityAnalysis
    from municipalities.models import (
        Consultation,
        Contact,
        CouncilMember,
        MunicipalCoordinator,
        PreventionCouncil,
        Topic,
        WorkingGroup,
    )

    topics = list(Topic.objects.order_by("pk").values_list("pk", flat=True))
    officers = users["officers"]
    span = (END - LAUNCH).days
    first_contacts: dict[int, date] = {}
    consultations: list[Consultation] = []
    contacts: list[Contact] = []
    for municipality in municipalities:
        contacts.append(
            Contact(
                role=Contact.Role.MAYOR,
                first_name=rng.choice(FIRST_NAMES),
                last_name=rng.choice(LAST_NAMES),
                function="Bürgermeister/in",
                organisation=municipality.official_name,
                municipality=municipality,
            )
        )
        # About a third is advised (Saxony: 148 of 418), larger places earlier and more often.
        chance = 0.3 + min((municipality.population or 0) / 20_000, 0.6)
        if rng.random() > chance:
            continue
        first = LAUNCH + timedelta(days=int(span * rng.random() ** 1.3))
        first_contacts[municipality.pk] = first
        later = sorted(
            _day(rng, first, first + timedelta(days=1400)) for _n in range(rng.randint(0, 4))
        )
        for number, day in enumerate([first, *later]):
            if day > END:
                continue
            consultations.append(
                Consultation(
                    municipality=municipality,
                    date=day,
                    kind=Consultation.Kind.FIRST_CONTACT
                    if number == 0
                    else rng.choice(
                        [Consultation.Kind.CONSULTATION, Consultation.Kind.PROJECT_CONSULTATION]
                    ),
                    staff_member=rng.choice(officers) if officers else None,
                    notes="Synthetische Lastdaten.",
                )
            )
    _bulk(Contact, contacts)
    _bulk(Consultation, consultations)
    if topics:
        _bulk(
            Consultation.topics.through,
            [
                Consultation.topics.through(consultation_id=consultation.pk, topic_id=topic)
                for consultation in consultations
                for topic in rng.sample(topics, k=min(len(topics), rng.randint(1, 3)))
            ],
        )
    counts["contacts"] += len(contacts)
    counts["consultations"] += len(consultations)

    advised = [m for m in municipalities if m.pk in first_contacts]
    by_district: dict[int, list[Any]] = {}
    for municipality in advised:
        by_district.setdefault(municipality.district_id, []).append(municipality)

    # Councils: a fifth of the advised municipalities, some as a Verbund; a few Landkreise.
    councils: list[tuple[PreventionCouncil, list[Any]]] = []
    for municipality in advised:
        if rng.random() > 0.21:
            continue
        earliest = first_contacts[municipality.pk] + timedelta(days=60)
        if earliest >= END:
            continue
        constituted = _day(rng, earliest, END)
        partners = [municipality]
        level = PreventionCouncil.Level.MUNICIPALITY
        if rng.random() < 0.08:
            neighbours = [m for m in by_district[municipality.district_id] if m is not municipality]
            partners += rng.sample(neighbours, k=min(len(neighbours), 2))
            if len(partners) > 1:
                level = PreventionCouncil.Level.NETWORK
        reactivated = None
        if rng.random() < 0.1:
            reactivated = constituted
            constituted = constituted - timedelta(days=rng.randint(400, 3000))
        dissolved = None
        if rng.random() < 0.04 and (reactivated or constituted) < END - timedelta(days=100):
            dissolved = _day(rng, (reactivated or constituted) + timedelta(days=30), END)
        councils.append(
            (
                PreventionCouncil(
                    name=f"Kommunaler Präventionsrat {municipality.name}",
                    level=level,
                    constituted_on=constituted,
                    reactivated_on=reactivated,
                    status=PreventionCouncil.Status.DISSOLVED
                    if dissolved
                    else rng.choice([PreventionCouncil.Status.ACTIVE] * 9 + ["ruhend"]),
                    dissolved_on=dissolved,
                    notes="Synthetische Lastdaten.",
                ),
                partners,
            )
        )
    district_ids = sorted(by_district)
    for district_id in rng.sample(district_ids, k=len(district_ids) // 10):
        councils.append(
            (
                PreventionCouncil(
                    name=f"Kriminalpräventiver Rat Kreis {district_id}",
                    level=PreventionCouncil.Level.DISTRICT,
                    district_id=district_id,
                    constituted_on=_day(rng, LAUNCH, END),
                    status=PreventionCouncil.Status.ACTIVE,
                    notes="Synthetische Lastdaten.",
                ),
                [],
            )
        )
    _bulk(PreventionCouncil, [council for council, _partners in councils])
    _bulk(
        PreventionCouncil.municipalities.through,
        [
            PreventionCouncil.municipalities.through(
                preventioncouncil_id=council.pk, municipality_id=municipality.pk
            )
            for council, partners in councils
            for municipality in partners
        ],
    )
    groups = _bulk(
        WorkingGroup,
        [
            WorkingGroup(
                council=council, name="Sicherheitsabsprache", established_on=council.established_on
            )
            for council, _partners in councils
        ],
    )
    members = []
    for (council, _partners), group in zip(councils, groups, strict=True):
        for organisation in rng.sample(ORGANISATIONS, k=rng.randint(3, 6)):
            in_group = rng.random() < 0.3
            members.append(
                CouncilMember(
                    council=council,
                    organisation=organisation,
                    person_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                    role=CouncilMember.Role.WORKING_GROUP
                    if in_group
                    else CouncilMember.Role.MEMBER,
                    working_group=group if in_group else None,
                    joined_on=council.established_on,
                )
            )
    _bulk(CouncilMember, members)
    counts["councils"] += len(councils)
    counts["council_members"] += len(members)

    # Agreements: over a third of the advised municipalities (Saxony: about 55 of 148).
    from django.db.models import Max

    number = max(CooperationAgreement.objects.aggregate(top=Max("number"))["top"] or 0, 1000)
    plans = []
    for municipality in advised:
        if rng.random() > 0.37:
            continue
        earliest = first_contacts[municipality.pk] + timedelta(days=60)
        if earliest >= END:
            continue
        plans.append((_day(rng, earliest, END + timedelta(days=60)), municipality))
    plans.sort(key=lambda plan: (plan[0], plan[1].ags))
    agreements: list[tuple[CooperationAgreement, Any]] = []
    for day, municipality in plans:
        directorate = municipality.district.police_directorate
        common = {
            "police_directorate": directorate,
            "signing_place": municipality.name,
            "planned_on": day,
            "notes": "Synthetische Lastdaten.",
        }
        if day > END:  # planned: a draft, or waiting for signatures
            if rng.random() < 0.5:
                agreements.append((CooperationAgreement(**common), municipality))
            else:
                number += 1
                agreements.append(
                    (
                        CooperationAgreement(
                            number=number,
                            number_year=END.year,
                            status=CooperationAgreement.Status.FOR_SIGNATURE,
                            frozen_at=datetime.combine(END, datetime.min.time(), UTC),
                            **common,
                        ),
                        municipality,
                    )
                )
            continue
        number += 1
        terminated = None
        if rng.random() < 0.05 and day < END - timedelta(days=200):
            terminated = _day(rng, day + timedelta(days=100), END)
        agreement = CooperationAgreement(
            number=number,
            number_year=day.year,
            status=CooperationAgreement.Status.TERMINATED
            if terminated
            else CooperationAgreement.Status.SIGNED,
            signed_on=day,
            terminated_on=terminated,
            termination_reason="Auf Wunsch der Kommune." if terminated else "",
            frozen_at=datetime.combine(day, datetime.min.time(), UTC),
            **common,
        )
        agreements.append((agreement, municipality))
    _bulk(CooperationAgreement, [agreement for agreement, _m in agreements])
    # A few signed agreements got a second version, signed later: the first one is superseded.
    versions = []
    for agreement, municipality in agreements:
        if (
            agreement.status == CooperationAgreement.Status.SIGNED
            and agreement.signed_on < END - timedelta(days=400)
            and rng.random() < 0.04
        ):
            signed = _day(rng, agreement.signed_on + timedelta(days=200), END)
            versions.append(
                (
                    CooperationAgreement(
                        number=agreement.number,
                        number_year=agreement.number_year,
                        version=2,
                        predecessor=agreement,
                        status=CooperationAgreement.Status.SIGNED,
                        signed_on=signed,
                        planned_on=signed,
                        frozen_at=datetime.combine(signed, datetime.min.time(), UTC),
                        police_directorate=agreement.police_directorate,
                        signing_place=agreement.signing_place,
                        notes="Synthetische Lastdaten: zweite Fassung.",
                    ),
                    municipality,
                )
            )
            agreement.status = CooperationAgreement.Status.SUPERSEDED
    _bulk(CooperationAgreement, [agreement for agreement, _m in versions])
    superseded = [a for a, _m in agreements if a.status == CooperationAgreement.Status.SUPERSEDED]
    CooperationAgreement.objects.filter(pk__in=[a.pk for a in superseded]).update(
        status=CooperationAgreement.Status.SUPERSEDED
    )
    agreements += versions
    _bulk(
        CooperationAgreement.municipalities.through,
        [
            CooperationAgreement.municipalities.through(
                cooperationagreement_id=agreement.pk, municipality_id=municipality.pk
            )
            for agreement, municipality in agreements
        ],
    )
    signatories = []
    for agreement, municipality in agreements:
        for position, (party, function) in enumerate(
            (
                ("kommune", "Bürgermeister/in"),
                ("polizeidirektion", "Polizeipräsident/in"),
                ("lpr", "Geschäftsführer/in des Landespräventionsrates"),
            ),
            start=1,
        ):
            signatories.append(
                Signatory(
                    agreement=agreement,
                    party=party,
                    person_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                    function=function,
                    municipality=municipality if party == "kommune" else None,
                    position=position,
                )
            )
    _bulk(Signatory, signatories)
    counts["agreements"] += len(agreements)

    # Coaching: about a quarter of the advised municipalities.
    processes: list[tuple[CoachingProcess, Any]] = []
    coaches = users["coaches"]
    topic_choices = CoachingProcess.Topic.values
    for municipality in advised:
        if rng.random() > 0.27:
            continue
        requested = _day(rng, first_contacts[municipality.pk], END)
        started = requested + timedelta(days=rng.randint(10, 60))
        if started > END:
            started = None
        ended = started + timedelta(days=rng.randint(180, 540)) if started else None
        if ended and ended > END:
            ended = None
        status = (
            CoachingProcess.Status.REQUESTED
            if started is None
            else CoachingProcess.Status.COMPLETED
            if ended
            else CoachingProcess.Status.RUNNING
        )
        if ended and rng.random() < 0.05:
            status = CoachingProcess.Status.CANCELLED
        processes.append(
            (
                CoachingProcess(
                    coach=rng.choice(coaches) if coaches and rng.random() < 0.5 else None,
                    requested_on=requested,
                    started_on=started,
                    ended_on=ended,
                    status=status,
                    topics=rng.sample(topic_choices, k=rng.randint(1, 2)),
                    notes="Synthetische Lastdaten.",
                ),
                municipality,
            )
        )
    _bulk(CoachingProcess, [process for process, _m in processes])
    _bulk(
        CoachingProcess.municipalities.through,
        [
            CoachingProcess.municipalities.through(
                coachingprocess_id=process.pk, municipality_id=municipality.pk
            )
            for process, municipality in processes
        ],
    )
    sessions = [
        CoachingSession(
            process=process,
            date=min(process.started_on + timedelta(days=30 * number), END),
            duration_minutes=rng.choice([60, 90, 120]),
            participants="Koordinierungsstelle, Ordnungsamt, Polizeirevier",
        )
        for process, _m in processes
        if process.started_on
        for number in range(rng.randint(0, 3))
    ]
    _bulk(CoachingSession, sessions)
    counts["coaching_processes"] += len(processes)

    # Security analyses: about a fifth of the advised municipalities.
    analyses: list[tuple[SecurityAnalysis, Any]] = []
    stages = [status for status, _field in SecurityAnalysis.MILESTONES]
    for municipality in advised:
        if rng.random() > 0.18:
            continue
        planned = _day(rng, first_contacts[municipality.pk], END)
        dates: dict[str, date | None] = {}
        day = planned
        reached = SecurityAnalysis.Status.PLANNED
        for status, field in SecurityAnalysis.MILESTONES:
            if day > END:
                dates[field] = None
                continue
            dates[field] = day
            reached = status
            day = day + timedelta(days=rng.randint(30, 120))
        analyses.append(
            (
                SecurityAnalysis(
                    title=f"Sicherheitsanalyse {municipality.name}",
                    year=(dates["kickoff_on"] or planned).year,
                    status=reached,
                    sample_size=rng.choice([1000, 1500, 2000]),
                    notes="Synthetische Lastdaten.",
                    **dates,
                ),
                municipality,
            )
        )
    _bulk(SecurityAnalysis, [analysis for analysis, _m in analyses])
    _bulk(
        SecurityAnalysis.municipalities.through,
        [
            SecurityAnalysis.municipalities.through(
                securityanalysis_id=analysis.pk, municipality_id=municipality.pk
            )
            for analysis, municipality in analyses
        ],
    )
    tasks = [
        ChecklistTask(
            analysis=analysis,
            task=task,
            done_on=analysis.survey_on if stages.index(analysis.status) >= 2 else None,
        )
        for analysis, _m in analyses
        for task in ChecklistTask.Task.values
    ]
    _bulk(ChecklistTask, tasks)
    counts["security_analyses"] += len(analyses)

    # One coordinator per Land, for an advised municipality of it.
    coordinations = []
    lands_done: set[str] = set()
    for municipality in advised:
        land = municipality.ags[:2]
        if land in lands_done or not users["coordinators"]:
            continue
        user = next(u for u in users["coordinators"] if f"land-{land}." in u.email)
        coordinations.append(MunicipalCoordinator(user=user, municipality=municipality))
        lands_done.add(land)
    _bulk(MunicipalCoordinator, coordinations)
    return first_contacts


def _funding(
    rng: random.Random,
    municipalities: list[Any],
    first_contacts: dict[int, date],
    applications: int,
    users: dict[str, Any],
    counts: dict[str, int],
) -> None:
    """``applications`` funding applications 2019–2028 with decisions and payments."""
    from django.db.models import Sum

    from funding.models import (
        FundingApplication,
        FundingDecision,
        FundingYear,
        Payment,
    )
    from municipalities.models import Consultation

    Status = FundingApplication.Status
    years = {}
    for year in range(2019, 2029):
        years[year], _created = FundingYear.objects.get_or_create(
            year=year,
            defaults={
                "budget": Decimal("1300000.00"),
                "call_opens": date(year - 1, 8, 31),
                "call_closes": date(year - 1, 10, 15),
                "status": FundingYear.Status.CLOSED
                if year < END.year
                else FundingYear.Status.OPEN
                if year <= END.year + 1
                else FundingYear.Status.PLANNED,
            },
        )
    by_pk = {m.pk: m for m in municipalities}
    first_consultation = dict(
        Consultation.objects.filter(
            municipality_id__in=list(first_contacts), kind=Consultation.Kind.FIRST_CONTACT
        ).values_list("municipality_id", "pk")
    )
    advised = sorted(first_contacts.items(), key=lambda item: item[1])
    district_lands = {m.district_id: m.ags[:2] for m in municipalities}
    districts = sorted(district_lands)
    officers = users["officers"]
    # Applications of a year come from the municipalities advised before its call closed (the
    # first years also from those advised early in the year), so later years have more.
    eligible = {
        year: [pk for pk, first in advised if first < date(year, 3, 1)]
        for year in range(2019, 2029)
    }
    weights = [len(eligible[year]) or 0 for year in range(2019, 2029)]
    if not any(weights):
        return
    rows: list[FundingApplication] = []
    sequence: dict[tuple[int, str], int] = {}
    for _number in range(applications):
        year = rng.choices(range(2019, 2029), weights=weights)[0]
        from_district = rng.random() < 0.02
        municipality = None if from_district else by_pk[rng.choice(eligible[year])]
        district_id = rng.choice(districts) if from_district else None
        land = municipality.ags[:2] if municipality else district_lands[district_id]
        sequence[(year, land)] = sequence.get((year, land), 0) + 1
        requested = Decimal(rng.randint(40, 600) * 100)
        eligible_costs = (requested / Decimal("0.9")).quantize(Decimal("0.01"))
        submitted = _day(rng, date(year - 1, 9, 1), date(year, 2, 28))
        if municipality is not None:
            submitted = max(submitted, first_contacts[municipality.pk] + timedelta(days=14))
        if year == 2028:
            status = Status.DRAFT
        elif year == 2027:
            status = rng.choice([Status.SUBMITTED, Status.IN_REVIEW])
        else:
            draw = rng.random()
            status = (
                Status.REJECTED
                if draw < 0.15
                else Status.WITHDRAWN
                if draw < 0.2
                else Status.APPROVED
                if year >= END.year and draw < 0.6
                else Status.PAID
                if year >= END.year - 1
                else Status.CLOSED
            )
        draft = status == Status.DRAFT
        rows.append(
            FundingApplication(
                funding_year=years[year],
                file_number="" if draft else f"KP-{year}-{land}-{sequence[(year, land)]:05d}",
                municipality=municipality,
                district_id=district_id,
                title=rng.choice(TITLES),
                field_of_action=rng.choice(FIELDS),
                starts_on=date(year, rng.randint(1, 4), 1),
                ends_on=date(year, 12, rng.choice([15, 31])),
                problem="Synthetische Lastdaten.",
                consultation_id=first_consultation.get(municipality.pk) if municipality else None,
                own_funds=eligible_costs - requested,
                status=status,
                requested_amount=None if draft else requested,
                eligible_costs=None if draft else eligible_costs,
                submitted_on=None if draft else submitted,
                submitted_by=None,
            )
        )
    decisions_plan: list[tuple[FundingApplication, str, date, Decimal | None]] = []
    for application in rows:
        if application.status in (Status.DRAFT, Status.SUBMITTED, Status.IN_REVIEW):
            continue
        if application.status == Status.WITHDRAWN:
            continue
        year = application.funding_year.year
        decided = _day(rng, date(year, 1, 10), date(year, 5, 31))
        if application.status == Status.REJECTED:
            decisions_plan.append((application, "ablehnung", decided, None))
            continue
        requested = application.requested_amount or Decimal(0)
        granted = (
            requested
            if rng.random() < 0.7
            else (requested * Decimal("0.8")).quantize(Decimal("0.01"))
        )
        application.approved_amount = granted
        application.proof_due_on = date(year + 1, 6, 30)
        decisions_plan.append((application, "zuwendung", decided, granted))
        if rng.random() < 0.1:
            amended = (granted * Decimal("0.9")).quantize(Decimal("0.01"))
            application.approved_amount = amended
            later = _day(rng, decided + timedelta(days=20), date(year, 11, 30))
            decisions_plan.append((application, "aenderung", min(later, END), amended))
    _bulk(FundingApplication, rows)
    has_amends = any(field.name == "amends" for field in FundingDecision._meta.get_fields())
    numbers: dict[int, int] = {}
    grants: dict[int, FundingDecision] = {}
    decisions: list[FundingDecision] = []
    for application, kind, decided, amount in decisions_plan:
        numbers[application.pk] = numbers.get(application.pk, 0) + 1
        decision = FundingDecision(
            application=application,
            kind=kind,
            number=numbers[application.pk],
            decided_on=decided,
            amount=amount,
            decided_by=rng.choice(officers) if officers else None,
            reason="Synthetische Lastdaten." if kind == "ablehnung" else "",
        )
        if kind == "zuwendung":
            grants[application.pk] = decision
        decisions.append(decision)
    # Amendments point to the grant they amend: grants first, then amendments.
    _bulk(FundingDecision, [d for d in decisions if d.kind != "aenderung"])
    amendments = [d for d in decisions if d.kind == "aenderung"]
    if has_amends:
        for decision in amendments:
            decision.amends = grants[decision.application.pk]
    _bulk(FundingDecision, amendments)
    payments = [
        Payment(
            application=application,
            funding_year_id=application.funding_year_id,  # bulk_create does not call save()
            kind=Payment.Kind.REIMBURSEMENT
            if (application.approved_amount or 0) < 20000
            else Payment.Kind.INSTALMENT,
            amount=application.approved_amount,
            paid_on=min(
                grants[application.pk].decided_on + timedelta(days=rng.randint(20, 120)), END
            ),
            reference=f"HH-{application.file_number}",
            created_by=rng.choice(officers) if officers else None,
        )
        for application in rows
        if application.status in (Status.PAID, Status.CLOSED) and application.approved_amount
    ]
    _bulk(Payment, payments)
    # The budget of a year covers what all of Germany was granted in it.
    for funding_year in years.values():
        committed = funding_year.applications.aggregate(total=Sum("approved_amount"))["total"]
        committed = committed or Decimal(0)
        budget = max(
            funding_year.budget, (committed / 1_000_000).to_integral_value() * 1_000_000 + 1_000_000
        )
        FundingYear.objects.filter(pk=funding_year.pk).update(committed=committed, budget=budget)
    counts["funding_applications"] += len(rows)
    counts["funding_decisions"] += len(decisions)
    counts["payments"] += len(payments)


def generate(
    *,
    lands: int | None = None,
    municipalities_per_kreis: int | None = None,
    applications: int = 100_000,
    seed: int = 20190206,
    log: Callable[[str], None] = lambda line: None,
) -> dict[str, int]:
    """Add the synthetic Länder to the current database; returns what was created.

    ``lands`` takes the first n of the fifteen (all by default); ``municipalities_per_kreis``
    gives every Landkreis that many municipalities instead of the real distribution (for tests).
    The database may hold the Saxony demo already (its keys start with 14 and are left alone).
    """
    from django.db import transaction

    rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
    chosen = LANDS if lands is None else LANDS[:lands]
    counts: dict[str, int] = dict.fromkeys(
        (
            "police_directorates",
            "districts",
            "associations",
            "municipalities",
            "users",
            "contacts",
            "consultations",
            "councils",
            "council_members",
            "agreements",
            "coaching_processes",
            "security_analyses",
            "funding_applications",
            "funding_decisions",
            "payments",
        ),
        0,
    )
    with transaction.atomic():
        municipalities = _register(rng, chosen, municipalities_per_kreis, counts)
        log(f"register: {counts['municipalities']} municipalities")
        users = _users(rng, chosen, counts)
        # The district's police directorate is read for every agreement: load them once.
        from municipalities.models import Municipality

        municipalities = list(
            Municipality.objects.filter(pk__in=[m.pk for m in municipalities])
            .select_related("district__police_directorate")
            .order_by("ags")
        )
        first_contacts = _per_municipality_history(rng, municipalities, users, counts)
        log(f"history: {counts['consultations']} consultations")
        _funding(rng, municipalities, first_contacts, applications, users, counts)
        log(f"funding: {counts['funding_applications']} applications")
    return counts


# Command line: a database of its own, marked when complete ----------------------------------------


def _marker(kind: str) -> dict[str, Any]:
    return {"asskomm_bench": kind, "version": GENERATOR_VERSION, "complete": True}


def read_marker() -> dict[str, Any] | None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
            "WHERE datname = current_database()"
        )
        row = cursor.fetchone()
    try:
        return json.loads(row[0]) if row and row[0] else None
    except ValueError:
        return None


def write_marker(kind: str, counts: dict[str, int]) -> None:
    from django.db import connection

    text = json.dumps({**_marker(kind), "counts": counts})
    name = connection.ops.quote_name(connection.settings_dict["NAME"])
    with connection.cursor() as cursor:
        cursor.execute(f"COMMENT ON DATABASE {name} IS %s", [text])  # noqa: S608 - quoted name


def is_complete(marker: dict[str, Any] | None, kind: str) -> bool:
    return bool(marker) and all(marker.get(k) == v for k, v in _marker(kind).items())  # type: ignore[union-attr]


def recreate_database(url: str) -> None:
    """Drop and create the database ``url`` names (through the server's ``postgres`` database)."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        quoted = psycopg.sql.Identifier(name)
        connection.execute(
            psycopg.sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(quoted)
        )
        connection.execute(psycopg.sql.SQL("CREATE DATABASE {}").format(quoted))


def database_exists(url: str) -> bool:
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    parts = urlsplit(url)
    maintenance = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        row = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [parts.path.lstrip("/")]
        ).fetchone()
    return row is not None


def setup_django(url: str) -> None:
    """Django against ``url`` with the test settings (DEBUG off, demo data allowed)."""
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "asskomm.settings.test"
    name = url.rsplit("/", 1)[-1]
    os.environ.setdefault("DJANGO_MEDIA_ROOT", f"/tmp/asskomm-bench-media-{name}")  # noqa: S108
    import django

    django.setup()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="postgres://…/<database>")
    parser.add_argument("--regenerate", action="store_true", help="drop and build it again")
    parser.add_argument(
        "--saxony-only", action="store_true", help="only the Saxony demo (the small scale)"
    )
    parser.add_argument("--applications", type=int, default=100_000)
    args = parser.parse_args(argv)
    kind = "saxony" if args.saxony_only else "germany"
    started = time.monotonic()

    def log(line: str) -> None:
        print(f"[{time.monotonic() - started:6.1f} s] {line}", file=sys.stderr, flush=True)

    if args.regenerate or not database_exists(args.database_url):
        recreate_database(args.database_url)
    setup_django(args.database_url)
    from django.core.management import call_command

    marker = read_marker()
    from figures.summary import rebuild

    if is_complete(marker, kind):
        call_command("migrate", verbosity=0)  # indexes added since are applied all the same
        build = rebuild()  # the stored figures, if they are missing or out of date
        stored = f"{build.steps} steps stored in {build.seconds} s" if build else "current"
        log(f"{kind}: complete already ({marker}); migrated; stored figures {stored}")
        return 0
    if marker is not None or _has_tables():
        from django.db import connections

        connections.close_all()
        recreate_database(args.database_url)
    call_command("migrate", verbosity=0)
    log("migrated")
    from demo.seed import seed_demo

    for line in seed_demo():
        log(line)
    counts: dict[str, int] = {}
    if kind == "germany":
        counts = generate(applications=args.applications, log=log)
    build = rebuild(force=True)
    assert build is not None
    counts["stored_figure_steps"] = build.steps
    log(f"stored figures: {build.steps} steps in {build.seconds} s")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    write_marker(kind, counts)
    log(f"{kind}: done {json.dumps(counts)}")
    return 0


def _has_tables() -> bool:
    from django.db import connection

    return bool(connection.introspection.table_names())


if __name__ == "__main__":
    sys.exit(main())
