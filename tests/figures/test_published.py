"""The command reproduces the figures the LPR published, on the dates it published them."""

import csv
import io
import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from figures.selectors import FIGURES, figures_as_of, figures_by_directorate, figures_by_district

from .published import PUBLISHED, build_published_history

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("figures", *args, stdout=out)
    return out.getvalue()


@pytest.mark.usefixtures("figures_mode")
def test_the_published_figures_for_the_published_dates(saxony) -> None:
    build_published_history()
    for day, published in PUBLISHED.items():
        data = json.loads(run("--as-of", day.isoformat(), "--format", "json"))
        assert data["as_of"] == day.isoformat()
        assert data["since"] == "2019-02-06"
        for key, value in published.items():
            expected = float(value) if isinstance(value, Decimal) else value
            assert data[key] == expected, (day, key)
        # Every figure has its stable key; areas carry every figure that belongs to an area.
        assert {figure.key for figure in FIGURES} <= set(data)
        assert set(data["by_directorate"]) == {
            "Polizeidirektion Chemnitz",
            "Polizeidirektion Dresden",
            "Polizeidirektion Görlitz",
            "Polizeidirektion Leipzig",
            "Polizeidirektion Zwickau",
        }
        assert len(data["by_district"]) == 13
        for key in ("municipalities_advised", "agreements_signed", "coaching_processes_started"):
            # Each of these objects belongs to exactly one Kreis here, so the parts add up.
            assert sum(area[key] for area in data["by_directorate"].values()) == data[key]
            assert sum(area[key] for area in data["by_district"].values()) == data[key]

    text = run("--as-of", "2022-12-31", "--format", "text")
    assert text.startswith(
        "Seit dem Start der Allianz am 6. Februar 2019 hat der Landespräventionsrat Sachsen "
        "132 Kommunen beraten, wovon 53 eng mit ASSKomm zusammenarbeiten"
    )
    assert "27 Kommunale Präventionsräte wurden konstituiert oder reaktiviert" in text
    assert "36 Kooperationsvereinbarungen unterzeichnet" in text
    assert "(Stand: 31. Dezember 2022)" in text
    february = run("--as-of", "2021-02-06", "--format", "text")
    assert "seit 2019 insgesamt 432.900,00 Euro für 3 Projekte" in february
    assert "102 Personen haben die Beccaria-Qualifizierung" in february

    table = run("--as-of", "2022-12-31", "--format", "csv")
    rows = list(csv.reader(io.StringIO(table), delimiter=";"))
    assert rows[0] == ["Stand 31.12.2022"]
    header, saxony_row = rows[1], rows[2]
    assert saxony_row[:3] == ["Land", "14", "Sachsen"]
    assert saxony_row[header.index("Kommunen beraten")] == "132"
    assert saxony_row[header.index("Kommunen eng zusammenarbeitend")] == "53"
    assert len(rows) == 2 + 1 + 5 + 13


@pytest.mark.usefixtures("figures_mode")
def test_later_records_never_change_a_past_date(saxony) -> None:
    """The figures of a date depend on records dated by then, not on when they were entered."""
    build_published_history()
    day = date(2021, 11, 30)
    before = (figures_as_of(day), figures_by_directorate(day), figures_by_district(day))
    # Everything that happens later, in every table.
    from agreements.models import CooperationAgreement
    from municipalities.models import Consultation, Municipality, PreventionCouncil

    late = Municipality.objects.order_by("population")[0]
    Consultation.objects.create(municipality=late, date=date(2021, 12, 1), kind="erstkontakt")
    agreement = CooperationAgreement.objects.create(
        number=999,
        status=CooperationAgreement.Status.SIGNED,
        signed_on=date(2021, 12, 1),
        frozen_at=datetime(2021, 11, 1, tzinfo=UTC),
    )
    agreement.municipalities.set([late])
    PreventionCouncil.objects.create(
        name="Später", level="gemeinde", constituted_on=date(2022, 1, 1)
    ).municipalities.set([late])
    CooperationAgreement.objects.filter(number=2).update(terminated_on=date(2022, 5, 1))
    after = (figures_as_of(day), figures_by_directorate(day), figures_by_district(day))
    assert after == before
    assert figures_as_of(date(2022, 6, 1))["agreements_in_force"] == (
        figures_as_of(date(2022, 6, 1))["agreements_signed"] - 1
    )


def test_a_bad_date_is_refused_in_german(db) -> None:
    with pytest.raises(CommandError, match="Ungültiges Datum „30.06.2022“"):
        run("--as-of", "30.06.2022")
