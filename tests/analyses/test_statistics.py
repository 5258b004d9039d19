"""The figures of a security analysis (no database), checked against numbers worked out by hand."""

from decimal import Decimal

import pytest
from django.utils import translation

from analyses.statistics import (
    Cell,
    breakdown,
    distribution,
    frequency_rate,
    gap,
    index,
    response_rate,
    trend,
    wilson_interval,
)
from analyses.survey_items import AGE_GROUPS, ITEMS_BY_CODE, MIN_CELL, SAFETY_SCALE

D = Decimal
UNSAFE = ITEMS_BY_CODE["sicher_nachts"].negative  # (3, 4): "eher unsicher", "sehr unsicher"

HIGHER = "Feeling of insecurity is clearly higher than the level of crime would suggest."
LOWER = "Feeling of insecurity is clearly lower than the level of crime would suggest."
IN_LINE = "Feeling of insecurity and level of crime are in line."
MISSING = "Cannot be determined: a figure is missing."


# Häufigkeitszahl ------------------------------------------------------------------------------


def test_frequency_rate_is_cases_per_100000_inhabitants_rounded_half_up() -> None:
    # 1,234 × 100,000 / 56,789 = 123,400,000 / 56,789 = 2,172.956… (56,789 × 2,172.9 =
    # 123,396,838.1, the rest 3,161.9 / 56,789 = 0.0557) -> 2,173.0, not a truncated 2,172.9.
    assert frequency_rate(1234, 56789) == D("2173.0")
    # 1 × 100,000 / 8,000 = 12.5 exactly; 1 × 100,000 / 16,000 = 6.25 -> half up 6.3 (not 6.2).
    assert frequency_rate(1, 8000) == D("12.5")
    assert frequency_rate(1, 16000) == D("6.3")
    # 7 × 100,000 / 3,000 = 233.33… -> 233.3
    assert frequency_rate(7, 3000) == D("233.3")
    assert frequency_rate(0, 3000) == D("0.0")


@pytest.mark.parametrize("population", [None, 0])
def test_frequency_rate_needs_a_population(population: int | None) -> None:
    assert frequency_rate(12, population) is None


def test_frequency_rate_rejects_negative_counts() -> None:
    with pytest.raises(ValueError, match="negative"):
        frequency_rate(-1, 1000)


# Trend ----------------------------------------------------------------------------------------


def test_trend_of_unsorted_years_with_a_gap() -> None:
    series = {2023: D("120"), 2019: D("100"), 2021: D("104"), 2020: D("110")}

    result = trend(series)

    assert result is not None
    assert (result.first_year, result.last_year) == (2019, 2023)
    assert (result.first, result.last) == (D("100"), D("120"))
    # (120 − 100) / 100 × 100 = 20.0 %
    assert result.change_percent == D("20.0")
    # x̄ = (2019 + 2020 + 2021 + 2023) / 4 = 2020.75, ȳ = 434 / 4 = 108.5
    # dx = −1.75, −0.75, 0.25, 2.25; dy = −8.5, 1.5, −4.5, 11.5
    # Σ dx·dy = 14.875 − 1.125 − 1.125 + 25.875 = 38.5
    # Σ dx² = 3.0625 + 0.5625 + 0.0625 + 5.0625 = 8.75; slope = 38.5 / 8.75 = 4.4 per year
    assert result.slope_per_year == D("4.4")
    assert result.direction == "steigend"


def test_falling_trend_with_a_negative_slope() -> None:
    # Two points: slope = (80 − 100) / (2022 − 2020) = −10.0; change = −20 / 100 = −20.0 %
    result = trend({2020: D("100"), 2022: D("80")})

    assert result is not None
    assert result.change_percent == D("-20.0")
    assert result.slope_per_year == D("-10.0")
    assert result.direction == "fallend"


@pytest.mark.parametrize(
    ("last", "change", "direction"),
    [
        ("105", "5.0", "gleichbleibend"),  # exactly +5 % is not above 5 %
        ("105.04", "5.0", "gleichbleibend"),  # +5.04 % is printed 5.0 %: the word follows the print
        ("105.05", "5.1", "steigend"),  # +5.05 % -> 5.1 % (half up)
        ("105.1", "5.1", "steigend"),
        ("95", "-5.0", "gleichbleibend"),  # exactly −5 % is not below −5 %
        ("94.9", "-5.1", "fallend"),
        ("100", "0.0", "gleichbleibend"),
    ],
)
def test_trend_direction_thresholds(last: str, change: str, direction: str) -> None:
    result = trend({2020: D("100"), 2024: D(last)})

    assert result is not None
    assert result.change_percent == D(change)
    assert result.direction == direction


def test_trend_from_zero_has_no_change_and_counts_as_steady() -> None:
    result = trend({2020: D("0"), 2021: D("3")})

    assert result is not None
    assert result.change_percent is None
    assert result.slope_per_year == D("3.0")  # (3 − 0) / (2021 − 2020)
    assert result.direction == "gleichbleibend"


def test_trend_of_one_year_has_no_slope_and_of_none_no_trend() -> None:
    single = trend({2022: D("12.5")})

    assert single is not None
    assert (single.first_year, single.last_year, single.first, single.last) == (
        2022,
        2022,
        D("12.5"),
        D("12.5"),
    )
    assert single.change_percent == D("0.0")
    assert single.slope_per_year is None
    assert single.direction == "gleichbleibend"
    assert trend({}) is None


# Wilson interval ------------------------------------------------------------------------------


def test_wilson_interval_for_30_of_100() -> None:
    # p = 0.3, z² = 1.959964² = 3.841459, z²/n = 0.0384146, denominator 1.0384146
    # centre = (0.3 + 0.0192073) / 1.0384146 = 0.307400
    # half = 1.959964 × √(0.3 × 0.7 / 100 + 3.841459 / 40,000) / 1.0384146
    #      = 1.959964 × √0.00219604 / 1.0384146 = 1.959964 × 0.0468619 / 1.0384146 = 0.088450
    # -> 0.307400 ∓ 0.088450 = (0.21895, 0.39585)
    low, high = wilson_interval(30, 100)

    assert low == pytest.approx(0.21895, abs=1e-4)
    assert high == pytest.approx(0.39585, abs=1e-4)


def test_wilson_interval_stays_within_zero_and_one() -> None:
    # 0 of 10: centre = half = (3.841459 / 20) / 1.3841459 = 0.138766 -> (0, 0.27753)
    assert wilson_interval(0, 10) == (0.0, pytest.approx(0.27753, abs=1e-4))
    # 10 of 10 mirrors it: (1 − 0.27753, 1)
    assert wilson_interval(10, 10) == (pytest.approx(0.72247, abs=1e-4), 1.0)


@pytest.mark.parametrize(("successes", "n"), [(0, 0), (1, 0), (11, 10), (-1, 10)])
def test_wilson_interval_rejects_impossible_counts(successes: int, n: int) -> None:
    with pytest.raises(ValueError, match="answers"):
        wilson_interval(successes, n)


# Distribution ---------------------------------------------------------------------------------


def test_distribution_counts_missing_answers_outside_the_base() -> None:
    answers = [1, 1, 2, 3, 3, 3, 4, None, None, 2]

    result = distribution(answers, SAFETY_SCALE, UNSAFE)

    assert (result.n, result.missing) == (8, 2)  # 10 answers, 2 of them empty
    assert [(c.code, c.label, c.count) for c in result.categories] == [
        (1, "sehr sicher", 2),
        (2, "eher sicher", 2),
        (3, "eher unsicher", 3),
        (4, "sehr unsicher", 1),
    ]
    # shares over the 8 valid answers: 2/8, 2/8, 3/8, 1/8
    assert [c.share for c in result.categories] == [0.25, 0.25, 0.375, 0.125]
    # negative: codes 3 and 4 = 4 of 8 = 0.5
    # Wilson 4 of 8: z²/n = 0.480182, denominator 1.480182, centre = (0.5 + 0.240091) / 1.480182
    # = 0.5; half = 1.959964 × √(0.25/8 + 3.841459/256) / 1.480182
    # = 1.959964 × √0.0462557 / 1.480182 = 1.959964 × 0.215071 / 1.480182 = 0.284784
    assert result.negative_share == 0.5
    assert result.negative_low == pytest.approx(0.21522, abs=1e-4)
    assert result.negative_high == pytest.approx(0.78478, abs=1e-4)
    # each category carries its own interval, e.g. 3 of 8 (p = 0.375)
    third = result.categories[2]
    assert (third.low, third.high) == wilson_interval(3, 8)
    assert third.low < 0.375 < third.high


def test_distribution_of_100_answers_has_the_wilson_interval_of_30_percent() -> None:
    answers = [1] * 40 + [2] * 30 + [3] * 20 + [4] * 10

    result = distribution(answers, SAFETY_SCALE, UNSAFE)

    second = result.categories[1]
    assert (second.count, second.share) == (30, 0.3)
    assert second.low == pytest.approx(0.21895, abs=1e-4)  # as worked out above for 30 of 100
    assert second.high == pytest.approx(0.39585, abs=1e-4)
    assert result.negative_share == 0.3  # 20 + 10 of 100


def test_distribution_without_valid_answers_is_safe() -> None:
    result = distribution([None, None], SAFETY_SCALE, UNSAFE)

    assert (result.n, result.missing) == (0, 2)
    assert [(c.count, c.share, c.low, c.high) for c in result.categories] == [
        (0, 0.0, 0.0, 0.0)
    ] * 4
    assert result.negative_share is None
    assert result.negative_low is None
    assert result.negative_high is None


@pytest.mark.parametrize("invalid", [0, 5, -1, "3", 2.0, True])
def test_distribution_rejects_codes_outside_the_scale(invalid: object) -> None:
    with pytest.raises(ValueError, match="not an answer code"):
        distribution([1, 2, invalid], SAFETY_SCALE, UNSAFE)  # type: ignore[list-item]


def test_distribution_rejects_negative_codes_outside_the_scale() -> None:
    with pytest.raises(ValueError, match="negative codes"):
        distribution([1, 2], SAFETY_SCALE, (3, 5))


# Breakdown and suppression --------------------------------------------------------------------


def test_group_of_nine_is_suppressed_and_group_of_ten_is_shown() -> None:
    assert MIN_CELL == 10
    pairs: list[tuple[str | None, int | None]] = [
        *[("25–39", 4)] * 4,
        *[("25–39", 1)] * 6,  # 10 answers, 4 unsafe
        *[("16–24", 3)] * 3,
        *[("16–24", 2)] * 6,  # 9 answers, 3 unsafe
        *[("40–59", 1)] * 30,  # 30 answers, none unsafe: larger, stays shown
        ("16–24", None),  # no answer: does not make it 10
        (None, 4),  # no group
        ("", 4),
    ]

    cells = breakdown(pairs, UNSAFE)

    # age groups in the order of AGE_GROUPS, not of the input
    assert [cell.group for cell in cells] == ["16–24", "25–39", "40–59"]
    suppressed, complementary, shown = cells
    # nothing about the small group can be printed
    assert suppressed == Cell("16–24", None, None, None, None, suppressed=True)
    # The only other small group is hidden too (complementary suppression): otherwise the
    # total of 49 minus 10 minus 30 would give the hidden 9 away.
    assert complementary == Cell("25–39", None, None, None, None, suppressed=True)
    assert shown.suppressed is False
    assert shown.n == 30
    assert shown.negative_share == 0.0


def test_a_group_of_ten_is_shown_with_its_interval() -> None:
    pairs: list[tuple[str | None, int | None]] = [
        *[("25–39", 4)] * 4,
        *[("25–39", 1)] * 6,  # 10 answers, 4 unsafe
        *[("40–59", 1)] * 12,
    ]

    shown, _other = breakdown(pairs, UNSAFE)

    assert shown.suppressed is False
    assert shown.n == 10
    assert shown.negative_share == 0.4  # 4 of 10
    # Wilson 4 of 10: denominator 1.3841459, centre = (0.4 + 0.1920730) / 1.3841459 = 0.427749
    # half = 1.959964 × √(0.024 + 0.0096036) / 1.3841459 = 1.959964 × 0.183313 / 1.3841459
    # = 0.259572 -> (0.16818, 0.68732)
    assert shown.low == pytest.approx(0.16818, abs=1e-4)
    assert shown.high == pytest.approx(0.68732, abs=1e-4)


def test_two_small_groups_need_no_complementary_suppression() -> None:
    pairs = [("A-Dorf", 1)] * 5 + [("B-Dorf", 1)] * 4 + [("C-Stadt", 4)] * 20

    cells = breakdown(pairs, UNSAFE)

    assert [cell.suppressed for cell in cells] == [True, True, False]
    assert cells[2].n == 20


def test_all_age_groups_keep_their_order() -> None:
    pairs = [(group, 1) for group in reversed(AGE_GROUPS) for _ in range(10)]

    cells = breakdown(pairs, UNSAFE)

    assert [cell.group for cell in cells] == list(AGE_GROUPS)
    assert all(cell.n == 10 and cell.negative_share == 0.0 for cell in cells)


def test_other_groups_are_sorted_by_name_in_german_order() -> None:
    pairs = [(group, 3) for group in ("Zentrum", "Östliche Vorstadt", "Nord") for _ in range(3)]

    cells = breakdown(pairs, UNSAFE, min_cell=3)

    # "Ö" sorts with "O", between "N" and "Z", not after "Z"
    assert [cell.group for cell in cells] == ["Nord", "Östliche Vorstadt", "Zentrum"]
    assert [cell.negative_share for cell in cells] == [1.0, 1.0, 1.0]


def test_min_cell_can_be_raised() -> None:
    cells = breakdown([("Nord", 1)] * 10, UNSAFE, min_cell=11)

    assert cells == [Cell("Nord", None, None, None, None, suppressed=True)]


def test_breakdown_rejects_invalid_answer_codes() -> None:
    with pytest.raises(ValueError, match="not an answer code"):
        breakdown([("Nord", 0)], UNSAFE)


# Response rate, index, gap --------------------------------------------------------------------


def test_response_rate_in_percent() -> None:
    # 412 / 1,500 × 100 = 27.466… -> 27.5
    assert response_rate(412, 1500) == D("27.5")
    # 1 / 16 × 100 = 6.25 -> half up 6.3
    assert response_rate(1, 16) == D("6.3")
    assert response_rate(0, 800) == D("0.0")
    assert response_rate(800, 800) == D("100.0")


@pytest.mark.parametrize("sample", [None, 0])
def test_response_rate_needs_a_sample(sample: int | None) -> None:
    assert response_rate(10, sample) is None


def test_more_questionnaires_returned_than_sent_is_an_error() -> None:
    with pytest.raises(ValueError, match="returned"):
        response_rate(801, 800)


def test_index_against_a_reference() -> None:
    # 2,173.0 / 1,800 × 100 = 120.72 -> 121
    assert index(D("2173.0"), D("1800")) == D("121")
    # 102.5 / 100 × 100 = 102.5 -> half up 103 (half even would give 102)
    assert index(D("102.5"), 100) == D("103")
    # floats are taken as written: 0.1015 / 0.1 × 100 = 101.5 -> 102; in binary floating point
    # the division gives 101.49999999999999 and would round to 101.
    assert index(0.1015, 0.1) == D("102")


@pytest.mark.parametrize(
    ("value", "reference"), [(None, D("1")), (D("1"), None), (D("1"), D("0")), (float("nan"), 1)]
)
def test_index_without_a_figure_is_none(
    value: Decimal | float | None, reference: Decimal | float | None
) -> None:
    assert index(value, reference) is None


@pytest.mark.parametrize(
    ("unsafe_share", "fear_index", "difference", "verdict"),
    [
        # crime index: 2,000.0 / 2,000.0 × 100 = 100 throughout; fear index: share / 0.30 × 100
        (0.363, 121, 21, HIGHER),  # 0.363 / 0.30 = 121 -> 121 − 100 = 21 > 20
        (0.36, 120, 20, IN_LINE),  # 0.36 / 0.30 = 120 -> exactly 20 is not "clearly"
        (0.30, 100, 0, IN_LINE),
        (0.24, 80, -20, IN_LINE),  # 0.24 / 0.30 = 80 -> exactly −20
        (0.237, 79, -21, LOWER),  # 0.237 / 0.30 = 79 -> −21 < −20
    ],
)
def test_gap_verdict_at_the_boundaries(
    unsafe_share: float, fear_index: int, difference: int, verdict: str
) -> None:
    with translation.override("en"):
        result = gap(
            crime_rate=D("2000.0"),
            reference_crime_rate=D("2000.0"),
            unsafe_share=unsafe_share,
            reference_unsafe_share=0.30,
        )

    assert result.crime_index == D("100")
    assert result.fear_index == D(fear_index)
    assert result.difference == D(difference)
    assert result.verdict == verdict


def test_gap_compares_indices_not_raw_figures() -> None:
    with translation.override("en"):
        # crime 1,500 / 2,000 = 75; fear 0.30 / 0.30 = 100; 100 − 75 = 25 > 20
        result = gap(
            crime_rate=D("1500.0"),
            reference_crime_rate=D("2000.0"),
            unsafe_share=0.30,
            reference_unsafe_share=0.30,
        )

    assert (result.crime_index, result.fear_index, result.difference) == (D(75), D(100), D(25))
    assert result.verdict == HIGHER


@pytest.mark.parametrize(
    "missing",
    ["crime_rate", "reference_crime_rate", "unsafe_share", "reference_unsafe_share"],
)
def test_gap_without_a_figure_cannot_be_determined(missing: str) -> None:
    figures: dict[str, Decimal | float | None] = {
        "crime_rate": D("2000.0"),
        "reference_crime_rate": D("2000.0"),
        "unsafe_share": 0.5,
        "reference_unsafe_share": 0.3,
    }
    figures[missing] = None

    with translation.override("en"):
        result = gap(**figures)

    assert result.difference is None
    assert result.verdict == MISSING


def test_gap_with_a_zero_reference_cannot_be_determined() -> None:
    with translation.override("en"):
        result = gap(
            crime_rate=D("2000.0"),
            reference_crime_rate=D("0"),
            unsafe_share=0.5,
            reference_unsafe_share=0.3,
        )

    assert result.crime_index is None
    assert result.fear_index == D("167")  # 0.5 / 0.3 × 100 = 166.67 -> 167
    assert result.verdict == MISSING
