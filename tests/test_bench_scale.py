"""bench/scale.py's verdict: which of issue #9's targets a run misses (no database, no server)."""

from typing import Any

from bench import scale


def run(**changes: Any) -> dict[str, Any]:
    """A run that meets every target; ``changes`` spoil parts of it."""
    pages = {"admin:funding/payment": 20.0, "dashboard": 7.0, "public_figures": 3.0}
    result: dict[str, Any] = {
        "saxony": {
            "figures_seconds": {"figures_as_of": 0.001},
            "queries": {name: {"queries": 10, "status": 200} for name in pages},
        },
        "germany": {
            "figures_seconds": {"figures_as_of": 0.002},
            "queries": {name: {"queries": 10, "status": 200} for name in pages},
            "latency": {"pages": {name: {"ratio": ratio} for name, ratio in pages.items()}},
        },
        "figures_ratio": {"figures_as_of": 2.0},
    }
    for path, value in changes.items():
        *keys, last = path.split("__")
        target = result
        for key in keys:
            target = target[key]
        target[last] = value
    return result


def test_a_run_that_meets_every_target_misses_nothing() -> None:
    assert scale._target_check(run())["missed"] == []


def test_each_kind_of_miss_is_named() -> None:
    slow_figures = run(figures_ratio={"figures_as_of": 3.5})
    assert scale._target_check(slow_figures)["missed"] == ["figures_as_of: 0.002 s, 3.5× Saxony"]
    # A call answering with a row per Kreis is judged per row, and named with both ratios.
    per_kreis = run(
        figures_ratio={"figures_as_of": 2.0, "figures_by_district": 15.0},
        figures_ratio_per_row={"figures_by_district": 0.5},
        germany__figures_seconds={"figures_as_of": 0.002, "figures_by_district": 0.02},
    )
    assert scale._target_check(per_kreis)["missed"] == []
    per_kreis["figures_ratio_per_row"]["figures_by_district"] = 3.2
    assert scale._target_check(per_kreis)["missed"] == [
        "figures_by_district: 0.02 s, 15.0× Saxony, 3.2× per row"
    ]
    over_a_second = run(germany__figures_seconds={"figures_as_of": 1.2})
    assert len(scale._target_check(over_a_second)["missed"]) == 1
    more_queries = run(germany__queries__dashboard={"queries": 11, "status": 200})
    assert scale._target_check(more_queries)["missed"] == ["dashboard: 11 queries (Saxony 10)"]
    error = run(germany__queries__dashboard={"queries": 10, "status": 500})
    assert scale._target_check(error)["missed"] == ["dashboard: HTTP 500"]
    # Pages: 8× hello; admin lists: 25×.
    slow_page = run(germany__latency__pages__dashboard={"ratio": 8.5})
    assert scale._target_check(slow_page)["missed"] == ["dashboard: 8.5× hello (target 8.0×)"]
    admin_within = run(**{"germany__latency__pages__admin:funding/payment": {"ratio": 24.0}})
    assert scale._target_check(admin_within)["missed"] == []
    admin_over = run(**{"germany__latency__pages__admin:funding/payment": {"ratio": 26.0}})
    assert scale._target_check(admin_over)["missed"] == [
        "admin:funding/payment: 26.0× hello (target 25.0×)"
    ]
