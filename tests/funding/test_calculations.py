"""The arithmetic of the cost and financing plan (no database)."""

from decimal import Decimal

import pytest

from funding.calculations import Line, eligible_amount, refund, summarise

CAPS = {"eg11": Decimal("4619.00")}
D = Decimal


def test_personnel_costs_count_up_to_the_tv_l_ceiling_for_share_and_months() -> None:
    line = Line(kind="personal", amount=D("20000.00"), pay_group="eg11", fte=D("0.50"), months=6)
    # 4,619.00 × 0.5 × 6 = 13,857.00: the rest is not eligible.
    assert eligible_amount(line, CAPS) == D("13857.00")
    below = Line(kind="personal", amount=D("10000.00"), pay_group="eg11", fte=D("0.50"), months=6)
    assert eligible_amount(below, CAPS) == D("10000.00")


def test_capital_expenditure_is_not_eligible() -> None:
    camera = Line(kind="sachkosten", amount=D("9000.00"), is_capital_expenditure=True)
    assert eligible_amount(camera, CAPS) == D("0")
    summary = summarise(
        [camera, Line(kind="sachkosten", amount=D("1000.00"))],
        caps=CAPS,
        own_funds=D("100.00"),
        own_in_kind=D("0"),
        third_party_funds=D("0"),
    )
    assert summary.total_costs == D("10000.00")
    assert summary.eligible_costs == D("1000.00")
    assert summary.requested == D("900.00")
    assert summary.is_valid


@pytest.mark.parametrize(
    ("own", "in_kind", "third", "problem"),
    [
        ("1000.00", "0", "0", None),  # exactly 10 % own share, 90 % requested
        ("500.00", "500.00", "0", None),  # own share partly in kind
        ("999.99", "0", "0", "mindestens 10"),
        ("1000.00", "0", "9000.00", "bereits"),  # nothing left to request
    ],
)
def test_own_share_of_at_least_ten_percent(
    own: str, in_kind: str, third: str, problem: str | None, settings: object
) -> None:
    from django.utils import translation

    with translation.override("de"):
        summary = summarise(
            [Line(kind="honorare", amount=D("10000.00"))],
            caps=CAPS,
            own_funds=D(own),
            own_in_kind=D(in_kind),
            third_party_funds=D(third),
        )
    if problem is None:
        assert summary.is_valid, summary.problems
        assert summary.requested <= summary.max_grant == D("9000.00")
    else:
        assert any(problem in text for text in summary.problems), summary.problems


def test_personnel_line_without_ceiling_is_a_problem() -> None:
    summary = summarise(
        [Line(kind="personal", amount=D("1000.00"), pay_group="eg9", fte=D("1"), months=1)],
        caps=CAPS,
        own_funds=D("100.00"),
        own_in_kind=D("0"),
        third_party_funds=D("0"),
    )
    assert not summary.is_valid


def test_refund_keeps_the_share_of_the_grant() -> None:
    # 90 % of 10,000 approved and paid; only 8,000 spent: 7,200 earned, 1,800 back.
    assert refund(
        approved=D("9000.00"),
        planned_eligible=D("10000.00"),
        actual_eligible=D("8000.00"),
        paid=D("9000.00"),
    ) == (D("7200.00"), D("1800.00"))
    # Spending more never earns more than the grant.
    assert refund(
        approved=D("9000.00"),
        planned_eligible=D("10000.00"),
        actual_eligible=D("12000.00"),
        paid=D("9000.00"),
    ) == (D("9000.00"), D("0"))
    # Nothing paid yet: nothing to refund, whatever was spent.
    assert refund(
        approved=D("9000.00"),
        planned_eligible=D("10000.00"),
        actual_eligible=D("1000.00"),
        paid=D("0"),
    )[1] == D("0")
