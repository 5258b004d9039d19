"""Demo funding: the years since 2019 with plausible grants, as the LPR published them.

Closed years are taken over as records (no letters, like files from before the portal); the
current years go through the services, so that the demo shows real letters, reviews and drafts.
Published anchors (domain.md §1.2, §2): 1.3 M EUR a year; Großenhain's "Bürger für unsere
saubere Stadt" with 21,150 EUR in 2021; more than 420,000 EUR approved by February 2021.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, ROUND_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils.formats import number_format

from accounts.models import User
from asskomm.counters import counter_raise_to
from funding.calculations import refund
from funding.models import (
    CostLine,
    FieldOfAction,
    FundingApplication,
    FundingDecision,
    FundingYear,
    Payment,
    ProofCostLine,
    ProofOfUse,
)
from funding.services import (
    application_approve,
    application_create,
    application_record_check,
    application_start_review,
    application_submit,
    payment_record,
)
from municipalities.models import Consultation, District, Municipality

Status = FundingApplication.Status
BUDGET = Decimal("1300000.00")
FIRST_YEAR, LAST_YEAR = 2019, 2028
CENT = Decimal("0.01")
EG11_CAP = Decimal("4619.00")
TAKEN_OVER = "Übernommen aus den Förderakten (vor dem Portal)"


@dataclass(frozen=True)
class Grant:
    applicant: str  # AGS of a municipality or key of a Landkreis
    title: str
    field: str
    amount: str
    decided_on: date


# Grants named or implied by the press releases and the LPR's pages (domain.md §2).
NAMED_GRANTS = (
    Grant(
        "14626610",
        "Koordinierungsstelle Kommunaler Präventionsrat (0,3 VZÄ)",
        "strukturaufbau",
        "16200.00",
        date(2019, 3, 12),
    ),
    Grant(
        "14628060",
        "Aufbau des Kommunalen Präventionsrates",
        "strukturaufbau",
        "14400.00",
        date(2019, 4, 2),
    ),
    Grant(
        "14511000",
        "Sicherheit in der Innenstadt – aufsuchende Präventionsarbeit",
        "gewalt",
        "48600.00",
        date(2019, 4, 16),
    ),
    Grant(
        "14713000",
        "Kommunale Kriminalprävention im Stadtteil",
        "jugend",
        "62100.00",
        date(2019, 5, 7),
    ),
    Grant("14628110", "Jugendarbeit an Brennpunkten", "jugend", "27000.00", date(2019, 6, 4)),
    Grant(
        "14626530",
        "Koordinierungsstelle Präventionsrat Seifhennersdorf",
        "strukturaufbau",
        "12960.00",
        date(2020, 1, 28),
    ),
    Grant(
        "14626610",
        "Koordinierungsstelle Kommunaler Präventionsrat (0,3 VZÄ)",
        "strukturaufbau",
        "16650.00",
        date(2020, 1, 28),
    ),
    Grant(
        "14628270",
        "Graffiti-Prävention und legale Flächen",
        "graffiti",
        "22500.00",
        date(2020, 2, 11),
    ),
    Grant("14729410", "Sichere Innenstadt Wurzen", "gewalt", "31500.00", date(2020, 2, 11)),
    Grant(
        "14627140",
        "Präventionsrat Meißen: Aufbau und Fachtag",
        "strukturaufbau",
        "18900.00",
        date(2020, 3, 3),
    ),
    Grant(
        "14729260",
        "Sicher im Alter – Beratung für Seniorinnen und Senioren",
        "senioren",
        "11700.00",
        date(2020, 3, 17),
    ),
    Grant("14612000", "Prävention im Stadtteil Gorbitz", "jugend", "54000.00", date(2020, 4, 7)),
    Grant(
        "14627060", "Bürger für unsere saubere Stadt", "vermuellung", "21150.00", date(2021, 1, 19)
    ),
    Grant(
        "14626610",
        "Koordinierungsstelle Kommunaler Präventionsrat (0,3 VZÄ)",
        "strukturaufbau",
        "17010.00",
        date(2021, 1, 19),
    ),
    Grant(
        "14626530",
        "Koordinierungsstelle Präventionsrat Seifhennersdorf",
        "strukturaufbau",
        "13230.00",
        date(2021, 1, 26),
    ),
    Grant("14628050", "Nachbarschaft sicher gestalten", "sonstiges", "19800.00", date(2021, 2, 2)),
    Grant(
        "14730310",
        "Gewaltprävention an Schulen und im Jugendclub",
        "gewalt",
        "25200.00",
        date(2021, 2, 2),
    ),
    Grant(
        "14729080", "Drogenprävention im ländlichen Raum", "drogen", "12600.00", date(2021, 5, 11)
    ),
    Grant("14524180", "Sicherer Schulweg", "verkehr", "28800.00", date(2021, 6, 8)),
)

TITLES = {
    "graffiti": ("Graffiti-Prävention mit Jugendlichen", "Saubere Wände – legale Graffitiflächen"),
    "vermuellung": ("Gemeinsam gegen Vermüllung", "Patenschaften für saubere Plätze"),
    "gewalt": ("Gewaltprävention im öffentlichen Raum", "Streitschlichtung an Schulen"),
    "extremismus": ("Demokratie stärken – Extremismus vorbeugen", "Politische Bildung im Verein"),
    "drogen": ("Suchtprävention für Jugendliche", "Drogenprävention im Nachtleben"),
    "jugend": ("Aufsuchende Jugendarbeit", "Jugendbeteiligung und Prävention"),
    "senioren": ("Sicher im Alter", "Schutz vor Enkeltrick und Betrug"),
    "verkehr": ("Sicherer Schulweg", "Verkehrsprävention für Radfahrende"),
    "strukturaufbau": (
        "Koordinierungsstelle des Präventionsrates",
        "Aufbau eines Präventionsrates",
    ),
    "sonstiges": ("Sicherheitsgefühl im Wohnquartier", "Nachbarschaftshilfe und Prävention"),
}
BECCARIA = {
    "problem": "Die Sicherheitsanalyse und die Befragung zeigen ein Problem, das viele betrifft.",
    "causes": "Fehlende Angebote, wenig soziale Kontrolle, unklare Zuständigkeiten.",
    "goals": "Weniger Vorfälle, ein besseres Sicherheitsgefühl, ein tragfähiges Netzwerk.",
    "measures": "Fachkräfte, Veranstaltungen, Öffentlichkeitsarbeit, Beteiligung der Bürger.",
    "implementation": "Die Koordinierungsstelle steuert mit Polizei, Vereinen und Schulen.",
    "evaluation": "Vorher-nachher-Vergleich der Fallzahlen und eine kurze Befragung.",
}


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _eligible_for(amount: Decimal, rng: random.Random) -> Decimal:
    """Eligible costs for a grant: 90 % funded mostly, sometimes less."""
    rate = Decimal(rng.choice(["0.90", "0.90", "0.90", "0.85", "0.80", "0.75"]))
    return _money(amount / rate)


def _lines(eligible: Decimal, field: str, rng: random.Random) -> list[dict[str, Any]]:
    if field == "strukturaufbau":
        parts = [
            ("personal", "Koordinierungsstelle", Decimal("0.80")),
            ("sachkosten", "Arbeitsplatz und Material", Decimal("0.10")),
        ]
    else:
        parts = [
            ("honorare", "Fachkräfte und Referenten", Decimal("0.45")),
            ("sachkosten", "Material und Veranstaltungen", Decimal("0.35")),
        ]
    amounts = [_money(eligible * share) for _kind, _text, share in parts]
    lines: list[dict[str, Any]] = [
        {"kind": kind, "description": text, "amount": amount}
        for (kind, text, _share), amount in zip(parts, amounts, strict=True)
    ]
    rest = eligible - sum(amounts, Decimal(0))
    lines.append({"kind": "sonstiges", "description": "Öffentlichkeitsarbeit", "amount": rest})
    for line in lines:
        if line["kind"] == "personal":
            # The share of an EG 11 post whose ceiling covers the line over twelve months.
            share = (line["amount"] / (EG11_CAP * 12)).quantize(CENT, rounding=ROUND_UP)
            line.update(pay_group="eg11", fte=min(max(share, CENT), Decimal(1)), months=12)
    return lines


def _years() -> dict[int, FundingYear]:
    years = {}
    current = date.today().year  # noqa: DTZ011 - a calendar date is meant
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        status = (
            FundingYear.Status.CLOSED
            if year < current
            else FundingYear.Status.OPEN
            if year <= current + 1
            else FundingYear.Status.PLANNED
        )
        years[year], _created = FundingYear.objects.get_or_create(
            year=year,
            defaults={
                "budget": BUDGET,
                "call_opens": date(year - 1, 8, 31),
                "call_closes": date(year - 1, 10, 15),
                "status": FundingYear.Status.OPEN,  # closed below, once its grants are in
                "notes": "Doppelhaushalt 2019/2020: 1,3 Mio. EUR je Jahr" if year < 2021 else "",
            },
        )
        years[year].target_status = status  # type: ignore[attr-defined]
    return years


def _consultation(municipality: Municipality | None, before: date) -> Consultation | None:
    """The project consultation an application rests on: the last one before it was submitted."""
    if municipality is None:
        return None
    return municipality.consultations.filter(date__lt=before).order_by("-date").first()


def _take_over(
    *,
    year: FundingYear,
    applicant: Municipality | District,
    title: str,
    field: str,
    amount: Decimal,
    decided_on: date,
    officer: User,
    rng: random.Random,
    sequence: int,
    today: date,
) -> None:
    """A grant from before the portal: application, decision, payments, proof as records."""
    municipality = applicant if isinstance(applicant, Municipality) else None
    district = applicant if isinstance(applicant, District) else None
    eligible = _eligible_for(amount, rng)
    submitted = date(year.year - 1, 10, rng.randint(1, 15))
    ends = date(year.year, 12, rng.choice([15, 31]))
    proof_due = date(year.year + 1, 6, 30) if ends.day == 31 else date(year.year + 1, 6, 15)
    status = Status.CLOSED if proof_due < today - timedelta(days=60) else Status.PAID
    application = FundingApplication(
        funding_year=year,
        file_number=f"KP-{year.year}-{sequence:03d}",
        municipality=municipality,
        district=district,
        title=title,
        field_of_action=field,
        starts_on=date(year.year, rng.choice([1, 2, 3]), 1),
        ends_on=ends,
        consultation=_consultation(municipality, submitted),
        own_funds=eligible - amount,
        status=status,
        requested_amount=amount,
        eligible_costs=eligible,
        submitted_on=submitted,
        approved_amount=amount,
        proof_due_on=proof_due,
        **BECCARIA,
    )
    application._history_user = officer  # type: ignore[attr-defined]
    application._change_reason = TAKEN_OVER  # type: ignore[attr-defined]
    application.save()
    lines = [
        CostLine.objects.create(application=application, position=number, **line)
        for number, line in enumerate(_lines(eligible, field, rng), start=1)
    ]
    FundingDecision.objects.create(
        application=application,
        kind=FundingDecision.Kind.GRANT,
        number=1,
        decided_on=decided_on,
        amount=amount,
        decided_by=officer,
    )
    paid_on = decided_on + timedelta(days=rng.randint(30, 120))
    Payment.objects.create(
        application=application,
        kind=Payment.Kind.REIMBURSEMENT if amount < Decimal("20000") else Payment.Kind.INSTALMENT,
        amount=amount,
        paid_on=paid_on,
        reference=f"HH-{year.year}-{sequence:04d}",
        created_by=officer,
    )
    if status == Status.CLOSED:
        spent = Decimal(rng.choice(["1.00", "1.00", "1.00", "0.97", "0.92"]))
        actual = [_money(line.amount * spent) for line in lines]
        earned, owed = refund(
            approved=amount,
            planned_eligible=eligible,
            actual_eligible=sum(actual, Decimal(0)),
            paid=amount,
        )
        proof = ProofOfUse.objects.create(
            application=application,
            report="Das Projekt wurde wie geplant umgesetzt; Sachbericht liegt in der Akte.",
            submitted_on=proof_due - timedelta(days=rng.randint(5, 40)),
            reviewed_on=proof_due + timedelta(days=rng.randint(10, 60)),
            reviewed_by=officer,
            eligible_actual=sum(actual, Decimal(0)),
            funded_actual=earned,
            refund_amount=owed,
        )
        ProofCostLine.objects.bulk_create(
            ProofCostLine(proof=proof, cost_line=line, actual_amount=value)
            for line, value in zip(lines, actual, strict=True)
        )


def _generated_grants(
    year: int, applicants: list[Municipality], rng: random.Random, *, already: Decimal
) -> list[tuple[Municipality, str, str, Decimal, date]]:
    """Plausible grants of a year: about 0.9–1.2 M EUR in all, in 20–40 projects."""
    target = Decimal(rng.randint(900, 1200) * 1000)
    grants = []
    total = already
    first_month = 3 if year == 2021 else 1  # the February 2021 figure is published
    fields = [value for value, _label in FieldOfAction.choices if value != "sonstiges"]
    while total < target and applicants:
        applicant = rng.choice(applicants)
        field = rng.choice(fields)
        amount = Decimal(rng.choice([12, 15, 18, 21, 24, 27, 32, 38, 45, 54, 63, 72])) * 1000
        amount -= Decimal(rng.randint(0, 19) * 50)
        if total + amount > BUDGET:
            break
        title = rng.choice(TITLES[field])
        decided = date(year, rng.randint(first_month, first_month + 3), rng.randint(2, 27))
        grants.append((applicant, title, field, amount, decided))
        total += amount
    return grants


def _current(
    users: dict[str, User],
    years: dict[int, FundingYear],
    by_ags: dict[str, Municipality],
    rng: random.Random,
) -> list[str]:
    """The current years through the services: letters, reviews, applications in progress."""
    officer = users["referent@lpr-sachsen.example"]
    notes = []
    plans = [
        # coordinator e-mail, AGS, title, field, year, lines, own share, approve?
        (
            "koordination@dippoldiswalde.example",
            "14628060",
            "Sicher unterwegs in Dippoldiswalde",
            "verkehr",
            2026,
            [
                ("honorare", "Verkehrssicherheitstrainings", "9600.00"),
                ("sachkosten", "Material und Warnwesten", "4200.00"),
                ("sonstiges", "Öffentlichkeitsarbeit", "1800.00"),
            ],
            "1560.00",
            True,
        ),
        (
            "koordination@goeltzschtal.example",
            "14523020",
            "Präventionsnetzwerk Göltzschtal",
            "strukturaufbau",
            2027,
            [
                ("personal", "Koordinierungsstelle 50 %", "27000.00"),
                ("sachkosten", "Arbeitsplatz", "1800.00"),
            ],
            "2880.00",
            False,
        ),
    ]
    for email, ags, title, field, year, lines, own, approve in plans:
        municipality = by_ags.get(ags)
        coordinator = users.get(email)
        if municipality is None or coordinator is None:
            continue
        funding_year = years[year]
        submitted = funding_year.call_closes - timedelta(days=5)
        consultation = _consultation(municipality, submitted) or Consultation.objects.create(
            municipality=municipality,
            date=submitted - timedelta(days=40),
            kind=Consultation.Kind.PROJECT_CONSULTATION,
            staff_member=officer,
            notes="Projektberatung zum Förderantrag (Demodaten).",
        )
        application = application_create(
            municipality=municipality, funding_year=funding_year, title=title, user=coordinator
        )
        for name, value in BECCARIA.items():
            setattr(application, name, value)
        application.field_of_action = field
        application.starts_on = date(year, 2, 1)
        application.ends_on = date(year, 11, 30)
        application.consultation = consultation
        application.own_funds = Decimal(own)
        application.save()
        for number, (kind, text, amount) in enumerate(lines, start=1):
            extra = (
                {"pay_group": "eg11", "fte": Decimal("0.50"), "months": 10}
                if kind == "personal"
                else {}
            )
            CostLine.objects.create(
                application=application,
                position=number,
                kind=kind,
                description=text,
                amount=Decimal(amount),
                **extra,
            )
        application = application_submit(application=application, user=coordinator, today=submitted)
        application_start_review(application=application, user=officer)
        if approve:
            for check in ("factual", "arithmetic"):
                application_record_check(application=application, check=check, user=officer)
            application_approve(
                application=application,
                amount=application.requested_amount or Decimal(0),
                decided_on=date(year, 1, 22),
                conditions="Das Logo des Landespräventionsrates ist auf allen Materialien zu "
                "verwenden.",
                user=officer,
            )
            payment_record(
                application=application,
                amount=Decimal("7000.00"),
                paid_on=date(year, 5, 4),
                kind=Payment.Kind.REIMBURSEMENT,
                user=officer,
                reference=f"HH-{year}-0999",
            )
        application.refresh_from_db()
        notes.append(
            f"{application.file_number} {municipality.name}: {application.get_status_display()}"
        )
    # Applications for next year that came by post, entered by the office, waiting for review.
    next_year = years.get(date.today().year + 1)  # noqa: DTZ011
    candidates = [
        m
        for m in Municipality.objects.filter(consultations__isnull=False).distinct().order_by("ags")
        if m.ags not in ("14628060", "14523020")
    ]
    if next_year is not None and next_year.call_closes < date.today():  # noqa: DTZ011
        for municipality in rng.sample(candidates, k=min(4, len(candidates))):
            field = rng.choice(["gewalt", "jugend", "senioren", "graffiti"])
            wanted = Decimal(rng.choice([14, 19, 26, 33])) * 1000
            received = next_year.call_closes - timedelta(days=rng.randint(1, 30))
            rests_on = _consultation(municipality, received)
            if rests_on is None:
                continue
            application = application_create(
                municipality=municipality,
                funding_year=next_year,
                title=rng.choice(TITLES[field]),
                user=officer,
            )
            for name, value in BECCARIA.items():
                setattr(application, name, value)
            application.field_of_action = field
            application.starts_on = date(next_year.year, 3, 1)
            application.ends_on = date(next_year.year, 12, 15)
            application.consultation = rests_on
            application.own_funds = _money(wanted / 9)
            application.save()
            for number, line in enumerate(_lines(wanted + application.own_funds, field, rng), 1):
                CostLine.objects.create(application=application, position=number, **line)
            application_submit(application=application, user=officer, today=received)
        notes.append(f"{len(candidates[:4])} Anträge {next_year.year} per Post eingegangen")
    # A draft of the next funding year, for trying the guided form.
    dippoldiswalde = by_ags.get("14628060")
    coordinator = users.get("koordination@dippoldiswalde.example")
    if dippoldiswalde and coordinator and LAST_YEAR in years:
        draft = application_create(
            municipality=dippoldiswalde,
            funding_year=years[LAST_YEAR],
            title="Präventionswoche an der Oberschule",
            user=coordinator,
        )
        draft.field_of_action = "jugend"
        draft.problem = BECCARIA["problem"]
        draft.save()
        notes.append(f"Entwurf {LAST_YEAR}: {draft.title}")
    return notes


@transaction.atomic
def seed_funding(users: dict[str, User], out: list[str]) -> None:
    if FundingApplication.objects.exists():
        out.append("Förderanträge sind bereits vorhanden.")
        return
    officer = users["referent@lpr-sachsen.example"]
    today = date.today()  # noqa: DTZ011 - a calendar date is meant
    years = _years()
    by_ags = {m.ags: m for m in Municipality.objects.all()}
    rng = random.Random("funding")  # noqa: S311 - demo data
    sequence: dict[int, int] = {}

    def next_number(year: int) -> int:
        sequence[year] = sequence.get(year, 0) + 1
        return sequence[year]

    for grant in NAMED_GRANTS:
        applicant = by_ags.get(grant.applicant)
        if applicant is None:
            continue
        year = grant.decided_on.year
        _take_over(
            year=years[year],
            applicant=applicant,
            title=grant.title,
            field=grant.field,
            amount=Decimal(grant.amount),
            decided_on=grant.decided_on,
            officer=officer,
            rng=rng,
            sequence=next_number(year),
            today=today,
        )
    advised = list(Municipality.objects.filter(consultations__date__lt=date(2021, 9, 1)).distinct())
    for year in range(2021, today.year + 1):
        already = years[year].applications.aggregate(total=Sum("approved_amount"))["total"]
        for applicant, title, field, amount, decided in _generated_grants(
            year, advised, rng, already=already or Decimal(0)
        ):
            if decided >= today:
                continue
            _take_over(
                year=years[year],
                applicant=applicant,
                title=title,
                field=field,
                amount=amount,
                decided_on=decided,
                officer=officer,
                rng=rng,
                sequence=next_number(year),
                today=today,
            )
    landkreis = District.objects.filter(key="14627").first()
    if landkreis is not None:
        _take_over(
            year=years[2022],
            applicant=landkreis,
            title="Fachtag Gewaltprävention im Landkreis Meißen",
            field="gewalt",
            amount=Decimal("9000.00"),
            decided_on=date(2022, 3, 8),
            officer=officer,
            rng=rng,
            sequence=next_number(2022),
            today=today,
        )
    for year, count in sequence.items():
        counter_raise_to(f"funding-application-{year}", count)
    for funding_year in years.values():
        approved = funding_year.applications.aggregate(total=Sum("approved_amount"))["total"]
        funding_year.committed = approved or Decimal(0)
        funding_year.save(update_fields=["committed", "updated_at"])
    notes = _current(users, years, by_ags, rng)
    for funding_year in years.values():
        status = funding_year.target_status  # type: ignore[attr-defined]
        if funding_year.status != status:
            funding_year.status = status
            funding_year.save(update_fields=["status", "updated_at"])
    early = FundingDecision.objects.filter(decided_on__lte=date(2021, 2, 6)).aggregate(
        total=Sum("amount")
    )["total"]
    out.append(
        f"Förderung: {FundingApplication.objects.count()} Anträge in {len(years)} Förderjahren, "
        f"bis Februar 2021 bewilligt: "
        f"{number_format(early or 0, decimal_pos=2, force_grouping=True)} EUR"
    )
    out.extend(f"  {note}" for note in notes)
