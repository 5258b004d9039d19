"""The arithmetic of the cost and financing plan, without the database.

Personnel costs count at most up to the TV-L ceiling of their pay group (step 3) for the share
of a post and the months; capital expenditure does not count at all. The grant covers at most
90 % of the eligible costs; the applicant's own share is at least 10 %.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from .models import MAX_FUNDING_RATE, MIN_OWN_SHARE_RATE, ZERO

CENT = Decimal("0.01")


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Line:
    kind: str
    amount: Decimal
    is_capital_expenditure: bool = False
    pay_group: str = ""
    fte: Decimal | None = None
    months: int | None = None


def eligible_amount(line: Line, caps: dict[str, Decimal]) -> Decimal:
    """What a line counts towards the eligible costs."""
    if line.is_capital_expenditure:
        return ZERO
    if line.kind == "personal" and line.pay_group in caps and line.fte and line.months:
        ceiling = money(caps[line.pay_group] * line.fte * line.months)
        return min(line.amount, ceiling)
    return line.amount


@dataclass
class PlanSummary:
    total_costs: Decimal
    eligible_costs: Decimal
    own_share: Decimal
    third_party_funds: Decimal
    requested: Decimal
    own_share_rate: Decimal | None
    funding_rate: Decimal | None
    max_grant: Decimal
    problems: list[str] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.problems


def summarise(
    lines: Iterable[Line],
    *,
    caps: dict[str, Decimal],
    own_funds: Decimal,
    own_in_kind: Decimal,
    third_party_funds: Decimal,
) -> PlanSummary:
    """Totals, the amount requested (what the plan leaves open) and the rules it breaks."""
    lines = list(lines)
    total = sum((line.amount for line in lines), ZERO)
    eligible = sum((eligible_amount(line, caps) for line in lines), ZERO)
    own = own_funds + own_in_kind
    requested = eligible - own - third_party_funds
    max_grant = money(eligible * MAX_FUNDING_RATE)
    problems = []
    if not lines:
        problems.append(_("The cost plan has no lines yet."))
    if any(line.kind == "personal" and line.pay_group not in caps for line in lines):
        problems.append(_("There is no TV-L ceiling for a pay group of the personnel costs."))
    if eligible > 0 and own < money(eligible * MIN_OWN_SHARE_RATE):
        problems.append(
            _("The own share must be at least 10 %% of the eligible costs, i.e. %(minimum)s EUR.")
            % {"minimum": _format(money(eligible * MIN_OWN_SHARE_RATE))}
        )
    if requested <= 0 and lines:
        problems.append(_("Own share and third-party funds already cover the eligible costs."))
    elif requested > max_grant:
        problems.append(
            _("The grant may cover at most 90 %% of the eligible costs, i.e. %(maximum)s EUR.")
            % {"maximum": _format(max_grant)}
        )
    return PlanSummary(
        total_costs=total,
        eligible_costs=eligible,
        own_share=own,
        third_party_funds=third_party_funds,
        requested=requested,
        own_share_rate=(own / eligible) if eligible else None,
        funding_rate=(requested / eligible) if eligible else None,
        max_grant=max_grant,
        problems=problems,
    )


def refund(
    *, approved: Decimal, planned_eligible: Decimal, actual_eligible: Decimal, paid: Decimal
) -> tuple[Decimal, Decimal]:
    """Grant earned and refund owed after the proof of use (proportional financing).

    The grant keeps its share of the eligible costs: fewer actual costs earn proportionally
    less, more actual costs never earn more than was approved.
    """
    rate = (approved / planned_eligible) if planned_eligible else ZERO
    earned = min(approved, money(actual_eligible * rate))
    return earned, max(ZERO, paid - earned)


def _format(value: Decimal) -> str:
    from django.utils.formats import number_format

    return number_format(value, decimal_pos=2, force_grouping=True)
