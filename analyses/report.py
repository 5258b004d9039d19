"""The draft Lagebericht: area profile, survey, gap, recommendations and method, as a PDF.

Charts are SVG (``analyses.charts``) embedded in the HTML the shared PDF service renders; every
figure in the report comes from ``analyses.selectors``. Suppressed cells of a breakdown carry no
numbers at all, so none can reach the PDF.
"""

from typing import Any

from django.utils import timezone
from django.utils.formats import number_format
from django.utils.safestring import mark_safe

from asskomm.pdf import RenderedPdf, render_pdf

from .charts import Bar, Series, interval_bars, line_chart, ranking
from .models import SAXONY, CrimeFigure, SecurityAnalysis
from .selectors import area_profile, survey_results
from .survey_items import ITEMS_BY_CODE, MIN_CELL, SAFETY_ITEM, TOPICS


def _percent(share: float | None) -> str:
    if share is None:
        return "–"
    return number_format(share * 100, decimal_pos=0) + " %"


def _interval(low: float | None, high: float | None) -> str:
    if low is None or high is None:
        return ""
    return f"{number_format(low * 100, decimal_pos=0)}–{number_format(high * 100, decimal_pos=0)} %"


def report_context(analysis: SecurityAnalysis) -> dict[str, Any]:
    profile = area_profile(analysis)
    survey = survey_results(analysis, profile)
    municipalities = list(analysis.municipalities.order_by("name"))
    local_keys = {m.ags for m in municipalities}
    total = profile.offence("insgesamt")
    trend_chart = ""
    if total is not None:
        trend_chart = line_chart(
            [Series(area.name, area.rates) for area in total.areas],
            title="Häufigkeitszahl: Straftaten insgesamt je 100.000 Einwohner",
            y_label="Fälle je 100.000 Einwohner",
        )
    offence_tables = []
    for offence in profile.offences:
        rows = []
        for area in offence.areas:
            rows.append(
                {
                    "name": area.name,
                    "local": area.key in local_keys,
                    "cells": [
                        (area.cases.get(year), area.rates.get(year)) for year in offence.years
                    ],
                    "trend": area.trend,
                }
            )
        offence_tables.append({"label": offence.label, "years": offence.years, "rows": rows})
    topics = []
    for topic, title in TOPICS.items():
        entries = []
        for result in (item for item in survey.items if item.topic == topic):
            item = ITEMS_BY_CODE[result.code]
            dist = result.distribution
            entries.append(
                {
                    "question": item.question,
                    "n": dist.n,
                    "missing": dist.missing,
                    "negative": _percent(dist.negative_share),
                    "negative_interval": _interval(dist.negative_low, dist.negative_high),
                    "negative_labels": " / ".join(item.scale[code - 1] for code in item.negative),
                    "chart": mark_safe(  # noqa: S308 - built by analyses.charts, text escaped
                        interval_bars(
                            [Bar(c.label, c.share, c.low, c.high) for c in dist.categories],
                            title="Antworten in Prozent, mit 95-%-Konfidenzintervall",
                        )
                    )
                    if dist.n
                    else "",
                    "by_age": [_cell(cell) for cell in result.by_age],
                    "by_district": [_cell(cell) for cell in result.by_district],
                }
            )
        topics.append({"title": title, "entries": entries})
    problem_chart = (
        mark_safe(  # noqa: S308 - built by analyses.charts, text escaped
            ranking(
                survey.problem_ranking,
                title="Als Problem wahrgenommen (ziemliches oder großes Problem)",
            )
        )
        if survey.problem_ranking
        else ""
    )
    area_keys = {area.key for offence in profile.offences for area in offence.areas}
    sources = sorted(
        set(
            CrimeFigure.objects.filter(area_key__in=area_keys | {SAXONY})
            .exclude(source="")
            .values_list("source", flat=True)
        )
    )
    safety = survey.item(SAFETY_ITEM)
    return {
        "analysis": analysis,
        "municipalities": municipalities,
        "created_at": timezone.localtime(),
        "profile": profile,
        "trend_chart": mark_safe(trend_chart),  # noqa: S308 - built by analyses.charts
        "offence_tables": offence_tables,
        "survey": survey,
        "response_rate": survey.response_rate,
        "topics": topics,
        "problem_chart": problem_chart,
        "safety_question": ITEMS_BY_CODE[SAFETY_ITEM].question,
        "unsafe": _percent(safety.distribution.negative_share) if safety else "–",
        "recommendations": list(analysis.recommendations.order_by("number")),
        "min_cell": MIN_CELL,
        "sources": sources,
    }


def _cell(cell: Any) -> dict[str, Any]:
    if cell.suppressed:
        return {"group": cell.group, "suppressed": True}
    return {
        "group": cell.group,
        "suppressed": False,
        "n": cell.n,
        "share": _percent(cell.negative_share),
        "interval": _interval(cell.low, cell.high),
    }


def build_report_pdf(analysis: SecurityAnalysis) -> tuple[RenderedPdf, int]:
    context = report_context(analysis)
    return render_pdf("analyses/pdf/report.html", context), context["survey"].returned
