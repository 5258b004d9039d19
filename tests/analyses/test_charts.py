"""The report's SVG charts: well-formed, accessible, German numbers, escaped text (no database)."""

import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.utils import translation

from analyses.charts import (
    Bar,
    Series,
    format_number,
    format_percent,
    interval_bars,
    line_chart,
    nice_ticks,
    ranking,
)

D = Decimal
NS = {"svg": "http://www.w3.org/2000/svg"}
HOSTILE = "<script>&"
NOT_A_NUMBER = re.compile(r"\b(nan|-?inf(inity)?)\b", re.IGNORECASE)


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # noqa: S314 (our own output)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("role") == "img"
    assert re.fullmatch(r"0 0 \d+ \d+", root.get("viewBox", ""))
    assert re.fullmatch(r"\d+px", root.get("width", ""))
    assert re.fullmatch(r"\d+px", root.get("height", ""))
    assert "Source Sans 3" in (root.get("font-family") or "")
    assert not svg.startswith("<?xml")
    return root


def texts(root: ET.Element, css_class: str) -> list[str]:
    return [
        "".join(element.itertext())
        for element in root.iter()
        if element.tag.endswith("}text") and element.get("class") == css_class
    ]


def count(root: ET.Element, css_class: str) -> int:
    return sum(1 for element in root.iter() if element.get("class") == css_class)


def title_and_desc(root: ET.Element) -> tuple[str, str]:
    title, desc = root.find("svg:title", NS), root.find("svg:desc", NS)
    assert title is not None
    assert desc is not None
    return title.text or "", desc.text or ""


# Numbers --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (D("2172.94"), 1, "2.172,9"),
        (2172.96, 1, "2.173,0"),  # half up across the thousand
        (1234567, 0, "1.234.567"),
        (D("0.5"), 0, "1"),  # half up, not to even
        (-0.04, 1, "0,0"),  # no "-0,0"
        (D("-1234.5"), 1, "-1.234,5"),
    ],
)
def test_numbers_are_written_the_german_way(
    value: Decimal | float, places: int, expected: str
) -> None:
    assert format_number(value, places) == expected


def test_percentages_are_whole_with_a_space() -> None:
    assert format_percent(0.305) == "31 %"  # 30.5 -> 31 (half up; 0.305 × 100 in binary is 30.499…)
    assert format_percent(0.3) == "30 %"
    assert format_percent(1) == "100 %"


@pytest.mark.parametrize(
    ("maximum", "expected"),
    [
        # step 500: 2,172.9 / 500 = 4.3 -> 5 intervals (100, 200 and 250 would need 22, 11, 9)
        (2172.9, ["0", "500", "1000", "1500", "2000", "2500"]),
        # step 2: 7 / 2 = 3.5 -> 4 intervals (1 would need 7)
        (7, ["0", "2", "4", "6", "8"]),
        # step 0.1: 0.3 / 0.1 = 3 intervals
        (0.3, ["0", "0.1", "0.2", "0.3"]),
        # step 20: 100 / 20 = 5 intervals (10 would need 10)
        (100, ["0", "20", "40", "60", "80", "100"]),
        (0, ["0", "0.2", "0.4", "0.6", "0.8", "1"]),  # nothing to show: 0 … 1 in steps of 0.2
    ],
)
def test_y_axis_has_four_to_six_nice_ticks_from_zero(maximum: float, expected: list[str]) -> None:
    ticks = nice_ticks(maximum)

    assert [D(tick) for tick in expected] == ticks
    assert 4 <= len(ticks) <= 6
    assert ticks[0] == 0
    assert ticks[-1] >= D(str(maximum))


# Line chart -----------------------------------------------------------------------------------


def crime_series() -> list[Series]:
    return [
        Series("Straftaten", {2021: D("2172.9"), 2019: D("1999.5"), 2020: None, 2022: D("1800")}),
        Series(HOSTILE, {2019: 1500.0, 2020: float("nan"), 2021: 1480.25, 2022: float("inf")}),
    ]


def test_line_chart_is_accessible_and_german() -> None:
    with translation.override("en"):
        svg = line_chart(crime_series(), title="Häufigkeitszahl", y_label="Fälle je 100.000 EW")

    root = parse(svg)
    title, desc = title_and_desc(root)
    assert title == "Häufigkeitszahl"
    # the description reads out every value, German-formatted, and names the missing ones
    assert desc.startswith("Line chart: Straftaten: 2019: 1.999,5; 2020: no value; 2021: 2.172,9")
    # 1,480.25 -> 1.480,3 (half up); infinity is no value either
    assert desc.endswith(
        f". {HOSTILE}: 2019: 1.500,0; 2020: no value; 2021: 1.480,3; 2022: no value"
    )
    # 2,172.9 -> ticks every 500 up to 2,500, with thousands separators
    assert texts(root, "tick") == ["0", "500", "1.000", "1.500", "2.000", "2.500"]
    # years are plain integers, not "2.019"
    assert texts(root, "year") == ["2019", "2020", "2021", "2022"]
    assert texts(root, "y-label") == ["Fälle je 100.000 EW"]


def test_line_chart_names_every_series_and_marks_every_value() -> None:
    root = parse(line_chart(crime_series(), title="HZ", y_label="HZ"))

    assert texts(root, "legend") == ["Straftaten", HOSTILE]
    # 3 values in the first series, 2 finite ones in the second, plus one marker per legend entry
    assert count(root, "marker") == 3 + 2 + 2
    # a missing value breaks the line: 2019 | 2021–2022 in the first series; the second has
    # 2019 | 2021 alone, which are single points without a line
    assert count(root, "line") == 1


def test_series_differ_without_colour() -> None:
    root = parse(line_chart(crime_series(), title="HZ", y_label="HZ"))

    legend_lines = [el for el in root.iter() if el.get("class") == "legend-line"]
    assert len({el.get("stroke-dasharray") for el in legend_lines}) == 2
    markers = [el for el in root.iter() if el.get("class") == "marker"]
    assert {el.tag.split("}")[1] for el in markers} >= {"circle", "rect"}


def test_line_chart_escapes_user_text_and_writes_no_nan() -> None:
    svg = line_chart(crime_series(), title=f"Titel {HOSTILE}", y_label=HOSTILE)

    root = parse(svg)  # would fail on a raw "<script>" or "&"
    assert "<script>" not in svg
    assert "&lt;script&gt;&amp;" in svg
    assert title_and_desc(root)[0] == f"Titel {HOSTILE}"
    assert not NOT_A_NUMBER.search(svg)


def test_control_characters_in_labels_do_not_break_the_document() -> None:
    svg = line_chart([Series("Nord\x0bSüd", {2020: 1})], title="a\x00b", y_label="")

    root = parse(svg)
    assert title_and_desc(root)[0] == "ab"
    assert texts(root, "legend") == ["NordSüd"]


def test_line_chart_of_one_year_shows_a_point() -> None:
    root = parse(line_chart([Series("A", {2024: 0.3})], title="A", y_label="Anteil"))

    assert count(root, "marker") == 2  # the value and the legend
    assert texts(root, "tick") == ["0,0", "0,1", "0,2", "0,3"]
    assert texts(root, "year") == ["2024"]


def test_line_chart_rejects_negative_values() -> None:
    with pytest.raises(ValueError, match="negative"):
        line_chart([Series("A", {2024: -1})], title="A", y_label="A")


@pytest.mark.parametrize(
    "series", [[], [Series("A", {})], [Series("A", {2020: None, 2021: float("nan")})]]
)
def test_line_chart_without_values_says_no_data(series: list[Series]) -> None:
    with translation.override("en"):
        svg = line_chart(series, title="Häufigkeitszahl", y_label="HZ")

    root = parse(svg)
    assert title_and_desc(root) == ("Häufigkeitszahl", "No data")
    assert texts(root, "no-data") == ["No data"]
    assert texts(root, "chart-title") == ["Häufigkeitszahl"]
    assert not NOT_A_NUMBER.search(svg)


# Bars -----------------------------------------------------------------------------------------


def test_interval_bars_have_one_bar_and_value_each() -> None:
    bars = [
        Bar("16–24", 0.305, 0.2189, 0.3958),
        Bar(HOSTILE, 0.12),
        Bar("75+", 1.0, 0.72, 1.0),
    ]

    with translation.override("en"):
        svg = interval_bars(bars, title="Unsicher nachts")

    root = parse(svg)
    assert count(root, "bar") == 3
    assert count(root, "whisker") == 2  # only where an interval is given
    assert texts(root, "value") == ["31 %", "12 %", "100 %"]
    assert texts(root, "bar-label") == ["16–24", HOSTILE, "75+"]
    assert texts(root, "tick") == ["0 %", "25 %", "50 %", "75 %", "100 %"]
    desc = title_and_desc(root)[1]
    # 0.2189 -> 21.89 % -> 22 %; 0.3958 -> 39.58 % -> 40 %
    assert "16–24: 31 % (confidence interval 22 % to 40 %)" in desc
    assert f"{HOSTILE}: 12 %" in desc
    assert "<script>" not in svg


def test_bar_length_follows_the_share() -> None:
    root = parse(interval_bars([Bar("a", 0.25), Bar("b", 1.0)], title="T"))

    quarter, full = (float(el.get("width", "")) for el in root.iter() if el.get("class") == "bar")
    assert quarter == pytest.approx(full / 4, abs=0.1)


def test_height_grows_with_the_number_of_bars() -> None:
    def height(n: int) -> int:
        root = parse(interval_bars([Bar(f"Gruppe {i}", 0.1) for i in range(n)], title="T"))
        return int(root.get("height", "").removesuffix("px"))

    assert height(1) < height(3) < height(8)


def test_long_labels_wrap_onto_several_lines() -> None:
    label = "Rohheitsdelikte und Straftaten gegen die persönliche Freiheit"

    root = parse(interval_bars([Bar(label, 0.4)], title="T"))

    spans = [el.text for el in root.iter() if el.tag.endswith("}tspan")]
    assert len(spans) == 2
    assert " ".join(span or "" for span in spans) == label


@pytest.mark.parametrize("value", [1.2, -0.1, float("nan")])
def test_bars_accept_only_shares(value: float) -> None:
    with pytest.raises(ValueError, match="share"):
        interval_bars([Bar("a", value)], title="T")


def test_missing_interval_ends_are_left_out() -> None:
    svg = interval_bars([Bar("a", 0.5, float("nan"), 0.6), Bar("b", 0.5, 0.4)], title="T")

    root = parse(svg)
    assert count(root, "whisker") == 0
    assert not NOT_A_NUMBER.search(svg)


def test_ranking_sorts_descending() -> None:
    items = [("Müll", 0.42), ("Graffiti", 0.31), ("Lärm", 0.5), ("Gruppen & Co", 0.05)]

    root = parse(ranking(items, title="Probleme"))

    assert texts(root, "bar-label") == ["Lärm", "Müll", "Graffiti", "Gruppen & Co"]
    assert texts(root, "value") == ["50 %", "42 %", "31 %", "5 %"]
    assert count(root, "bar") == 4
    assert count(root, "whisker") == 0


@pytest.mark.parametrize("chart", [interval_bars, ranking])
def test_bar_charts_without_bars_say_no_data(chart: object) -> None:
    with translation.override("en"):
        svg = chart([], title="Probleme")  # type: ignore[operator]

    root = parse(svg)
    assert title_and_desc(root) == ("Probleme", "No data")
    assert texts(root, "no-data") == ["No data"]
    assert count(root, "bar") == 0
