"""The figures of a security analysis (Sicherheitsanalyse), without the database.

Crime (police crime statistics, PKS):

- The frequency rate (Häufigkeitszahl, HZ) is the number of recorded cases per 100,000
  inhabitants: ``cases × 100,000 / population``, rounded half up to one decimal place, as the
  police publish it. It makes municipalities of different size comparable.
- A trend compares the last year of a series with the first (change in percent) and fits a
  least-squares line through all years (slope per year). The series counts as rising or falling
  when the printed change is above +5 % or below −5 %; smaller changes are within the usual
  year-to-year noise of small numbers and count as unchanged.

Citizen survey (Bürgerbefragung):

- Shares are floats between 0 and 1 over the valid answers; "no answer" is counted as missing and
  is not part of the base.
- Every share carries a 95 % Wilson score interval. Unlike the textbook interval
  ``p ± 1.96 · √(p(1−p)/n)``, it never leaves 0 … 1 and stays honest for small groups and for
  shares near 0 % or 100 %, which is the everyday case in a small municipality.
- Suppression: a group of a breakdown (for example an age group) with fewer valid answers than
  ``MIN_CELL`` is not shown at all, neither its size nor its share, so that no respondent can be
  identified. Its cell carries only its name and ``suppressed=True``.

Crime and feeling (the gap): the municipality's HZ is indexed against Saxony's (100 = as in
Saxony), the share feeling unsafe at night against a benchmark; the verdict compares the indices.
"""

import math
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from .survey_items import AGE_GROUPS, MIN_CELL

ONE_PLACE = Decimal("0.1")
WHOLE = Decimal("1")
HUNDRED = Decimal("100")
PER_INHABITANTS = Decimal("100000")

RISING = "steigend"
FALLING = "fallend"
STEADY = "gleichbleibend"
# A change of the printed percentage beyond this counts as rising or falling.
TREND_THRESHOLD = Decimal("5")
# Index points by which the feeling of insecurity may differ from the level of crime.
GAP_THRESHOLD = Decimal("20")

Number = Decimal | float | int


def _decimal(value: Number) -> Decimal:
    # str() first: Decimal(0.3) would carry the binary error of the float into the result.
    return value if isinstance(value, Decimal) else Decimal(str(value))


def frequency_rate(cases: int, population: int | None) -> Decimal | None:
    """Häufigkeitszahl: cases per 100,000 inhabitants, one decimal; None without a population."""
    if not population:
        return None
    if cases < 0 or population < 0:
        raise ValueError("cases and population cannot be negative")
    rate = Decimal(cases) * PER_INHABITANTS / Decimal(population)
    return rate.quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Trend:
    first_year: int
    last_year: int
    first: Decimal
    last: Decimal
    change_percent: Decimal | None
    slope_per_year: Decimal | None
    direction: str


def _slope(points: Sequence[tuple[int, Decimal]]) -> Decimal | None:
    if len(points) < 2:
        return None
    mean_x = Decimal(sum(year for year, _value in points)) / len(points)
    mean_y = sum((value for _year, value in points), Decimal(0)) / len(points)
    covariance = sum(((year - mean_x) * (value - mean_y) for year, value in points), Decimal(0))
    variance = sum(((year - mean_x) ** 2 for year, _value in points), Decimal(0))
    return (covariance / variance).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def trend(series: Mapping[int, Decimal]) -> Trend | None:
    """First against last year and the least-squares slope; None for an empty series.

    The direction follows the rounded (printed) change, so the word and the figure never disagree.
    """
    if not series:
        return None
    points = sorted((year, _decimal(value)) for year, value in series.items())
    (first_year, first), (last_year, last) = points[0], points[-1]
    change = None
    if first != 0:
        change = ((last - first) / first * HUNDRED).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)
    direction = STEADY
    if change is not None and change > TREND_THRESHOLD:
        direction = RISING
    elif change is not None and change < -TREND_THRESHOLD:
        direction = FALLING
    return Trend(
        first_year=first_year,
        last_year=last_year,
        first=first,
        last=last,
        change_percent=change,
        slope_per_year=_slope(points),
        direction=direction,
    )


def wilson_interval(successes: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """95 % Wilson score interval of the share successes / n, within 0 … 1."""
    if n <= 0:
        raise ValueError("a share of no answers has no interval")
    if not 0 <= successes <= n:
        raise ValueError(f"{successes} successes out of {n} answers")
    share = successes / n
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (share + z2 / (2 * n)) / denominator
    half_width = z * math.sqrt(share * (1 - share) / n + z2 / (4 * n * n)) / denominator
    # At 0 or n successes one end is exactly 0 or 1; rounding must not nudge it off.
    low = 0.0 if successes == 0 else max(0.0, centre - half_width)
    high = 1.0 if successes == n else min(1.0, centre + half_width)
    return low, high


@dataclass
class Category:
    code: int
    label: str
    count: int
    share: float
    low: float
    high: float


@dataclass
class Distribution:
    n: int  # valid answers: the base of every share
    missing: int  # no answer
    categories: list[Category]
    negative_share: float | None
    negative_low: float | None
    negative_high: float | None


def _is_code(answer: object) -> bool:
    return isinstance(answer, int) and not isinstance(answer, bool)


def distribution(
    answers: Iterable[int | None], labels: Sequence[str], negative: Sequence[int]
) -> Distribution:
    """Count and share of every answer of an item; None is missing, any other value an error.

    With no valid answer every share and interval is 0 and the negative share is None.
    """
    codes = range(1, len(labels) + 1)
    if any(code not in codes for code in negative):
        raise ValueError(f"negative codes {tuple(negative)} are not on a scale of {len(labels)}")
    counts = dict.fromkeys(codes, 0)
    missing = 0
    for answer in answers:
        if answer is None:
            missing += 1
        elif _is_code(answer) and answer in counts:
            counts[answer] += 1
        else:
            raise ValueError(f"{answer!r} is not an answer code between 1 and {len(labels)}")
    n = sum(counts.values())
    categories = []
    for code, label in zip(codes, labels, strict=True):
        share, low, high = 0.0, 0.0, 0.0
        if n:
            share = counts[code] / n
            low, high = wilson_interval(counts[code], n)
        categories.append(Category(code, label, counts[code], share, low, high))
    negative_share = negative_low = negative_high = None
    if n:
        negatives = sum(counts[code] for code in set(negative))
        negative_share = negatives / n
        negative_low, negative_high = wilson_interval(negatives, n)
    return Distribution(n, missing, categories, negative_share, negative_low, negative_high)


@dataclass
class Cell:
    group: str
    n: int | None
    negative_share: float | None
    low: float | None
    high: float | None
    suppressed: bool


def _name_key(name: str) -> tuple[str, str]:
    # German order: "Ärzte" next to "Arzt", not after "Zwickau".
    folded = unicodedata.normalize("NFKD", name.casefold().replace("ß", "ss"))
    return "".join(char for char in folded if not unicodedata.combining(char)), name


def breakdown(
    pairs: Iterable[tuple[str | None, int | None]],
    negative: Sequence[int],
    min_cell: int = MIN_CELL,
) -> list[Cell]:
    """The negative share per group; a group with fewer than min_cell answers is suppressed.

    When exactly one group would be suppressed, the smallest other group is suppressed too, so
    that the hidden figures cannot be recovered by subtracting the shown ones from a total.

    Pairs without a group or without an answer are left out. Groups are in the order of
    AGE_GROUPS when all are age groups, else by name.
    """
    negative_codes = set(negative)
    totals: dict[str, int] = {}
    negatives: dict[str, int] = {}
    for group, answer in pairs:
        if not group or answer is None:
            continue
        if not _is_code(answer) or answer < 1:
            raise ValueError(f"{answer!r} is not an answer code")
        totals[group] = totals.get(group, 0) + 1
        negatives[group] = negatives.get(group, 0) + (answer in negative_codes)
    if set(totals) <= set(AGE_GROUPS):
        groups = [group for group in AGE_GROUPS if group in totals]
    else:
        groups = sorted(totals, key=_name_key)
    hidden = {group for group in groups if totals[group] < min_cell}
    if len(hidden) == 1 and len(groups) > 1:
        # Complementary suppression: with one hidden cell, the total minus the others would give
        # it away; the smallest shown cell is hidden as well.
        shown = [group for group in groups if group not in hidden]
        hidden.add(min(shown, key=lambda group: (totals[group], group)))
    cells = []
    for group in groups:
        n = totals[group]
        if group in hidden:
            cells.append(Cell(group, None, None, None, None, suppressed=True))
            continue
        low, high = wilson_interval(negatives[group], n)
        cells.append(Cell(group, n, negatives[group] / n, low, high, suppressed=False))
    return cells


def response_rate(returned: int, sample: int | None) -> Decimal | None:
    """Returned questionnaires in percent of the sample, one decimal; None without a sample."""
    if not sample:
        return None
    if returned < 0 or returned > sample:
        raise ValueError(f"{returned} questionnaires returned from a sample of {sample}")
    rate = Decimal(returned) * HUNDRED / Decimal(sample)
    return rate.quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def _present(value: Number | None) -> bool:
    return value is not None and _decimal(value).is_finite()


def index(value: Number | None, reference: Number | None) -> Decimal | None:
    """value against reference, 100 = the same; None when a figure is missing or reference 0."""
    if value is None or reference is None or not (_present(value) and _present(reference)):
        return None
    reference = _decimal(reference)
    if reference == 0:
        return None
    return (_decimal(value) / reference * HUNDRED).quantize(WHOLE, rounding=ROUND_HALF_UP)


@dataclass
class Gap:
    crime_index: Decimal | None
    fear_index: Decimal | None
    difference: Decimal | None
    verdict: str


def gap(
    *,
    crime_rate: Number | None,
    reference_crime_rate: Number | None,
    unsafe_share: Number | None,
    reference_unsafe_share: Number | None,
) -> Gap:
    """Compare the feeling of insecurity with the level of crime, both indexed (100 = reference).

    A difference of more than 20 index points either way is called clearly higher or lower.
    """
    crime_index = index(crime_rate, reference_crime_rate)
    fear_index = index(unsafe_share, reference_unsafe_share)
    if crime_index is None or fear_index is None:
        return Gap(crime_index, fear_index, None, _("Cannot be determined: a figure is missing."))
    difference = fear_index - crime_index
    if difference > GAP_THRESHOLD:
        verdict = _(
            "Feeling of insecurity is clearly higher than the level of crime would suggest."
        )
    elif difference < -GAP_THRESHOLD:
        verdict = _("Feeling of insecurity is clearly lower than the level of crime would suggest.")
    else:
        verdict = _("Feeling of insecurity and level of crime are in line.")
    return Gap(crime_index, fear_index, difference, verdict)
