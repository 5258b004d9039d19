"""Benchmark: the portal at Saxony scale (the demo) and at the scale of all of Germany.

Prints one JSON object. Two PostgreSQL databases are built once and reused (a comment on each
database marks it complete; ``--regenerate`` builds them again): the Saxony demo
(``seed_demo``) and the same plus fifteen synthetic Länder (``bench/germany.py``: about 10,800
municipalities, 100,000 funding applications). Then, for each scale:

- ``figures``: seconds for ``figures_as_of``, ``figures_by_district`` and a quarterly
  ``time_series`` for one date (median of ``--runs`` after one warm-up), and the ratio
  Germany / Saxony. Target: at most 3×, and well under a second. Each twice: as pages read
  them (what a build of the stored figures gave is kept per process), and as the first read
  after a rebuild (``…:first``: nothing kept). ``figures_by_district`` answers with a row per
  Kreis (13 and 387): it is judged by its ratio per row (``figures_ratio_per_row``), the raw
  ratio is printed beside it.
- ``queries``: the number of SQL queries of each page, rendered in-process with Django's test
  client (settings ``asskomm.settings.bench``: production behaviour over plain HTTP; public
  figures not cached). Target: the same at both scales.
- ``latency``: each page served by gunicorn (one sync worker, sequential requests: ``--warmup``
  then ``--requests``), median and p95 in ms and as a ratio to a bare "hello" view served by
  the same gunicorn in the same run, requested alternately with the page (same cookies, so the
  session and user are loaded as for the page). Targets at Germany scale: at most 8× for the
  coordinator's start page, the staff dashboard and the public page, 25× for admin lists.

The hello view (``/bench/hello``) exists only when ``ASSKOMM_BENCH_HELLO=1``; it goes through the
whole middleware stack and returns a constant, so the ratio is what the page's own work costs
on top of the framework, the HTTP round trip and the client.

Run: ``make bench`` or ``.venv/bin/python bench/scale.py``. Everything it starts it stops, by pid,
with timeouts; ``--saxony-url`` / ``--germany-url`` name the databases.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEFAULT_SAXONY = "postgres://postgres@127.0.0.1:5432/asskomm_saxony_bench"
DEFAULT_GERMANY = "postgres://postgres@127.0.0.1:5432/asskomm_germany_bench"
DAY = date(2026, 11, 30)  # the cut-off date of the figures (the synthetic history ends there)
ADMIN_EMAIL = "verwaltung@lpr-sachsen.example"
COORDINATOR_EMAIL = "koordination@dippoldiswalde.example"
COORDINATOR_AGS = "14628060"
ADMIN_LISTS = (
    "municipalities/municipality",
    "municipalities/district",
    "municipalities/consultation",
    "municipalities/preventioncouncil",
    "municipalities/contact",
    "agreements/cooperationagreement",
    "agreements/coachingprocess",
    "funding/fundingapplication",
    "funding/fundingdecision",
    "funding/payment",
    "funding/fundingyear",
    "analyses/securityanalysis",
)
PAGES = (
    *((f"admin:{path}", f"/admin/{path}/", "admin") for path in ADMIN_LISTS),
    ("coordinator_start", f"/kommune/{COORDINATOR_AGS}/", "coordinator"),
    ("dashboard", "/admin/zahlen/", "admin"),
    ("public_figures", "/zahlen/", None),
)
TARGETS = {"figures_ratio": 3.0, "figures_seconds": 1.0, "page_ratio": 8.0, "admin_ratio": 25.0}


def _env(url: str) -> dict[str, str]:
    name = url.rsplit("/", 1)[-1]
    return {
        **os.environ,
        "DATABASE_URL": url,
        # Production behaviour (DEBUG off, connections kept between requests, …) on loopback.
        "DJANGO_SETTINGS_MODULE": "asskomm.settings.bench",
        "DJANGO_MEDIA_ROOT": f"/tmp/asskomm-bench-media-{name}",  # noqa: S108
        "ASSKOMM_PUBLIC_FIGURES_CACHE_SECONDS": "0",
        "ASSKOMM_BENCH_HELLO": "1",
        "PYTHONPATH": str(ROOT),
    }


def _run(args: list[str], url: str, timeout: float, attempts: int = 3) -> str:
    """Run a child process (again, if it fails: the working tree may change under it)."""
    for attempt in range(1, attempts + 1):
        try:
            return _run_once(args, url, timeout)
        except RuntimeError:
            if attempt == attempts:
                raise
            time.sleep(5)
    raise AssertionError("unreachable")


def _run_once(args: list[str], url: str, timeout: float) -> str:
    """Run a child process with its own process group; kill the group on timeout."""
    process = subprocess.Popen(  # noqa: S603 - our own scripts
        args,
        cwd=ROOT,
        env=_env(url),
        stdout=subprocess.PIPE,
        stderr=sys.stderr,
        text=True,
        start_new_session=True,
    )
    try:
        out, _err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise
    if process.returncode != 0:
        raise RuntimeError(f"{args} exited with {process.returncode}")
    return out


# In-process measurements (a child process per database) ------------------------------------------


def measure_in_process(runs: int, *, pages: bool = True) -> dict[str, Any]:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from figures.selectors import (
        figures_as_of,
        figures_by_district,
        forget_kept_answers,
        time_series,
    )
    from municipalities.models import Municipality

    def timed(function: Any) -> list[float]:
        function()  # warm-up
        samples = []
        for _run in range(runs):
            started = time.perf_counter()
            function()
            samples.append(round(time.perf_counter() - started, 4))
        return samples

    calls = {
        "figures_as_of": lambda: figures_as_of(DAY),
        "figures_by_district": lambda: figures_by_district(DAY),
        "time_series_quarterly": lambda: time_series(DAY, "quarter"),
    }

    def first_in_build(call: Any) -> Any:
        def first() -> Any:
            forget_kept_answers()
            return call()

        return first

    # As pages read them (the answers of a build are kept per process), and the first read of
    # a build (after each rebuild, once per process).
    figures = {key: timed(call) for key, call in calls.items()}
    figures.update({f"{key}:first": timed(first_in_build(call)) for key, call in calls.items()})
    # How many rows each call answers with (the Kreise: 13 in Saxony, 387 in all of Germany).
    rows = {"figures_by_district": len(figures_by_district(DAY))}
    if not pages:
        return {"figures_samples": figures, "figures_rows": rows}
    users = get_user_model().objects
    clients = {who: Client(HTTP_HOST="127.0.0.1") for who in ("admin", "coordinator", None)}
    clients["admin"].force_login(users.get(email=ADMIN_EMAIL))
    clients["coordinator"].force_login(users.get(email=COORDINATOR_EMAIL))
    queries: dict[str, Any] = {}
    for name, path, who in PAGES:
        client = clients[who]
        client.get(path)  # warm-up (caches of content types, permissions …)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        queries[name] = {"queries": len(captured), "status": response.status_code}
    # Sessions for the HTTP measurements: stored in the database, read by gunicorn.
    cookies = {
        who: client.cookies["sessionid"].value
        for who, client in clients.items()
        if who and "sessionid" in client.cookies
    }
    return {
        "municipalities": Municipality.objects.count(),
        "figures_samples": figures,
        "figures_rows": rows,
        "queries": queries,
        "cookies": cookies,
    }


# HTTP measurements under gunicorn --------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(port: int, path: str, cookie: str | None) -> tuple[float, int]:
    headers = {"Host": "127.0.0.1"}
    if cookie:
        headers["Cookie"] = f"sessionid={cookie}"
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
    finally:
        connection.close()
    return time.perf_counter() - started, response.status


def _percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure_http(url: str, cookies: dict[str, str], requests: int, warmup: int) -> dict[str, Any]:
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603 - our own venv's gunicorn
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "asskomm.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=_env(url),
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                _get(port, "/bench/hello", None)
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.2)
        hello_all: list[float] = []
        pages: dict[str, Any] = {}
        for name, path, who in PAGES:
            cookie = cookies.get(who) if who else None
            for _number in range(warmup):
                _get(port, path, cookie)
                _get(port, "/bench/hello", cookie)
            page, hello = [], []
            status = 0
            for _number in range(requests):
                seconds, status = _get(port, path, cookie)
                page.append(seconds)
                hello.append(_get(port, "/bench/hello", cookie)[0])
            hello_all += hello
            median = statistics.median(page)
            pages[name] = {
                "status": status,
                "median_ms": round(median * 1000, 1),
                "p95_ms": round(_percentile(page, 0.95) * 1000, 1),
                "ratio": round(median / statistics.median(hello), 2),
                "p95_ratio": round(_percentile(page, 0.95) / statistics.median(hello), 2),
            }
        return {
            "hello_median_ms": round(statistics.median(hello_all) * 1000, 2),
            "hello_p95_ms": round(_percentile(hello_all, 0.95) * 1000, 2),
            "pages": pages,
        }
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


# Putting it together ---------------------------------------------------------------------------


def _target_check(result: dict[str, Any]) -> dict[str, Any]:
    saxony, germany = result["saxony"], result["germany"]
    missed = []
    per_row = result.get("figures_ratio_per_row", {})
    for key, seconds in germany["figures_seconds"].items():
        ratio = result["figures_ratio"][key]
        judged = per_row.get(key, ratio)
        if judged > TARGETS["figures_ratio"] or seconds > TARGETS["figures_seconds"]:
            row = f", {per_row[key]}× per row" if key in per_row else ""
            missed.append(f"{key}: {seconds} s, {ratio}× Saxony{row}")
    for name, counted in germany["queries"].items():
        if counted["queries"] != saxony["queries"][name]["queries"]:
            small = saxony["queries"][name]["queries"]
            missed.append(f"{name}: {counted['queries']} queries (Saxony {small})")
        if counted["status"] != 200:
            missed.append(f"{name}: HTTP {counted['status']}")
    for name, page in germany.get("latency", {}).get("pages", {}).items():
        limit = TARGETS["admin_ratio"] if name.startswith("admin:") else TARGETS["page_ratio"]
        if page["ratio"] > limit:
            missed.append(f"{name}: {page['ratio']}× hello (target {limit}×)")
    return {"targets": TARGETS, "missed": missed}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--saxony-url", default=os.environ.get("BENCH_SAXONY_URL", DEFAULT_SAXONY))
    parser.add_argument(
        "--germany-url", default=os.environ.get("BENCH_GERMANY_URL", DEFAULT_GERMANY)
    )
    parser.add_argument("--regenerate", action="store_true", help="build both databases again")
    parser.add_argument("--runs", type=int, default=5, help="runs of each figures call")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds of --runs")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests per page first")
    parser.add_argument("--no-http", action="store_true", help="skip the gunicorn latencies")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--figures-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:  # child: Django is set up from the environment
        sys.path.insert(0, str(ROOT))
        print(json.dumps(measure_in_process(args.runs, pages=not args.figures_only)))
        return 0

    started = time.monotonic()
    result: dict[str, Any] = {"benchmark": "scale", "date": DAY.isoformat()}
    generator = str(ROOT / "bench" / "germany.py")
    urls = {"saxony": args.saxony_url, "germany": args.germany_url}
    for scale, url in urls.items():
        build = [PYTHON, generator, "--database-url", url]
        if scale == "saxony":
            build.append("--saxony-only")
        if args.regenerate:
            build.append("--regenerate")
        began = time.monotonic()
        _run(build, url, timeout=1200)
        result[scale] = {"prepare_seconds": round(time.monotonic() - began, 1)}
    measure = [PYTHON, __file__, "--measure", "--runs", str(args.runs)]
    cookies = {}
    for scale, url in urls.items():
        measured = json.loads(_run(measure, url, timeout=900))
        cookies[scale] = measured.pop("cookies")
        result[scale].update(measured)
    # The machine's load changes: more rounds of the figures, Saxony and Germany alternately.
    for _round in range(args.rounds - 1):
        for scale, url in urls.items():
            more = json.loads(_run([*measure, "--figures-only"], url, timeout=900))
            for key, samples in more["figures_samples"].items():
                result[scale]["figures_samples"][key] += samples
    for scale in urls:
        samples = result[scale]["figures_samples"]
        result[scale]["figures_seconds"] = {
            key: round(statistics.median(values), 4) for key, values in samples.items()
        }
    result["figures_ratio"] = {
        key: round(seconds / max(result["saxony"]["figures_seconds"][key], 1e-6), 2)
        for key, seconds in result["germany"]["figures_seconds"].items()
    }
    # A call that answers with a row per Kreis answers with 30 times as many rows at Germany
    # scale: its ratio per row says whether the work per Kreis grows with the data.
    result["figures_ratio_per_row"] = {
        key: round(
            ratio
            * result["saxony"]["figures_rows"][key.split(":")[0]]
            / result["germany"]["figures_rows"][key.split(":")[0]],
            2,
        )
        for key, ratio in result["figures_ratio"].items()
        if key.split(":")[0] in result["germany"]["figures_rows"]
    }
    if not args.no_http:
        for scale, url in urls.items():
            result[scale]["latency"] = measure_http(url, cookies[scale], args.requests, args.warmup)
    result.update(_target_check(result))
    result["seconds"] = round(time.monotonic() - started, 1)
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
