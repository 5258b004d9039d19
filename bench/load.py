"""Load test: gunicorn serving the demo data to 50 virtual users for 60 s (locust, loopback only).

What it does, and undoes:

1. A throw-away database next to the one ``DATABASE_URL`` names (``test_<name>``, created, migrated,
   dropped at the end; default ``postgres://postgres@127.0.0.1:5432/asskomm_bench``, a temporary
   SQLite file when no PostgreSQL answers), and a temporary media folder.
2. ``seed_demo`` (~20 s), then one coordinator account per virtual coordinator, each for a
   municipality of its own (the two demo coordinators first, then the municipalities with
   documents, then those with applications), and the URLs each may see (``bench/locustfile.py``).
3. gunicorn (``asskomm.wsgi``, settings ``asskomm.settings.bench``: production behaviour over plain
   HTTP) on a free port of 127.0.0.1, then locust headless against it: ``LOAD_USERS`` users (50),
   ``LOAD_SPAWN_RATE`` per second (10), for ``LOAD_SECONDS`` (60).
4. One JSON summary on stdout: requests, failures, requests/s, p50/p95/p99 per request group and
   overall, and each group's p50 as a multiple of the baseline's. Exit status 1 when any request
   failed.

The baseline is served by the same gunicorn in the same run, so it measures what the server, the
machine and the queue cost at that moment: the constant "hello" view (``/bench/hello``, routed
only with ``ASSKOMM_BENCH_HELLO``; the whole middleware stack, session lookup included, no view
work) where the portal has it, else a static file served by WhiteNoise from memory (no view, no
session, no database). Both are reported, and ``/healthz`` (one ``SELECT 1``) beside them; before
the load each is also timed alone (``idle_baseline``: one client, nothing else running).

Every wait has a deadline, and every process it starts is stopped by its pid when it ends, also
on an error or Ctrl-C. ``LOAD_SECONDS=10 make bench`` is a quick check. Other variables:
``LOAD_WORKERS`` / ``LOAD_THREADS`` (gunicorn), ``LOAD_WAIT`` (think time, "1-3" s),
``DJANGO_CONN_MAX_AGE``, ``REDIS_URL`` (cache shared by the workers, as in production),
``LOAD_KEEP=1`` (keep the gunicorn and locust logs, the plan and every request's timing).
"""

import contextlib
import io
import json
import math
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/asskomm_bench"
SETTINGS = "asskomm.settings.bench"
COORDINATOR_SHARE = (3, 5)  # locustfile weights: CoordinatorUser 3, PublicUser 2
# The baseline of the ratios: the hello view when the portal has one (ASSKOMM_BENCH_HELLO), else
# the static file.
BASELINES = ("baseline: hello view", "baseline: static file")


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


SECONDS = _int("LOAD_SECONDS", 60)
USERS = _int("LOAD_USERS", 50)
SPAWN_RATE = _int("LOAD_SPAWN_RATE", 10)
# Production runs 3 sync workers (Dockerfile); on two cores more processes only queue for the CPU.
WORKERS = _int("LOAD_WORKERS", 3)
THREADS = _int("LOAD_THREADS", 1)


# --- the data: accounts and the URLs each may see (needs Django set up) ---------------------------


def build_plan(coordinators: int) -> dict[str, Any]:
    """Coordinator accounts (one municipality each) and the URLs of the request mix.

    Reuses the demo coordinators and creates ``bench.<AGS>@asskomm.invalid`` accounts with the
    demo password for further municipalities, through the service that assigns coordinators.
    Every URL is made with ``reverse()``; documents are the ones the portal lists for the
    municipality (what its coordinators may download).
    """
    from django.contrib.auth.hashers import make_password
    from django.db.models import Count, Exists, OuterRef
    from django.urls import NoReverseMatch, resolve, reverse

    from accounts.models import User
    from agreements.models import AgreementDocument, CooperationAgreement
    from asskomm.portal import collect
    from demo.seed import DEMO_COORDINATIONS, DEMO_PASSWORD
    from funding.selectors import applications_of_municipality
    from municipalities.models import Municipality
    from municipalities.services import coordinator_assign

    chosen: list[tuple[User, Municipality]] = []
    for email, keys in DEMO_COORDINATIONS.items():
        user = User.objects.filter(email=email, is_active=True).first()
        municipality = Municipality.objects.filter(ags__in=keys).order_by("ags").first()
        if user is not None and municipality is not None and len(chosen) < coordinators:
            chosen.append((user, municipality))
    taken = {municipality.pk for _user, municipality in chosen}
    with_documents = AgreementDocument.objects.filter(agreement__municipalities=OuterRef("pk"))
    candidates = (
        Municipality.objects.exclude(pk__in=taken)
        .filter(dissolved_on__isnull=True)
        .annotate(has_documents=Exists(with_documents), applications=Count("funding_applications"))
        .order_by("-has_documents", "-applications", "ags")
    )
    password = make_password(DEMO_PASSWORD)  # hashed once: hashing is slow on purpose
    for municipality in candidates[: max(coordinators - len(chosen), 0)]:
        user, _created = User.objects.get_or_create(
            email=f"bench.{municipality.ags}@asskomm.invalid",
            defaults={"first_name": "Last", "last_name": municipality.name, "password": password},
        )
        coordinator_assign(user=user, municipality=municipality)
        chosen.append((user, municipality))

    accounts = []
    for user, municipality in chosen:
        ags = municipality.ags
        documents = [document.url for document in collect(municipality)["documents"]]
        by_view = {url: resolve(url).view_name for url in documents}
        accounts.append(
            {
                "email": user.email,
                "password": DEMO_PASSWORD,
                "ags": ags,
                "municipality": municipality.name,
                "pages": {
                    "start": reverse("portal:start", args=[ags]),
                    "data": reverse("portal:municipality_data", args=[ags]),
                    "council": reverse("portal:council", args=[ags]),
                    "requests": reverse("portal:requests", args=[ags]),
                    "documents": reverse("portal:documents", args=[ags]),
                    "applications": reverse("funding:applications", args=[ags]),
                    "analyses": reverse("analyses:list", args=[ags]),
                },
                "applications": [
                    reverse("funding:application", args=[ags, pk])
                    for pk in applications_of_municipality(municipality)
                    .order_by("pk")
                    .values_list("pk", flat=True)
                ],
                "agreement_pdfs": [
                    url
                    for url, view in by_view.items()
                    if view == "agreements:coordinator_document"
                ],
                "letters": [url for url, view in by_view.items() if view == "funding:letter"],
            }
        )
    try:
        hello: str | None = reverse("bench_hello")  # only with ASSKOMM_BENCH_HELLO
    except NoReverseMatch:
        hello = None
    fingerprints = (
        CooperationAgreement.objects.exclude(content_fingerprint="")
        .order_by("pk")
        .values_list("content_fingerprint", flat=True)
    )
    return {
        "login": reverse("login"),
        "coordinators": accounts,
        "public": {
            "home": reverse("home"),
            "figures": reverse("figures:public"),
            "geojson": reverse("figures:public_geojson"),
            "verify": [reverse("verify_fingerprint", args=[fp]) for fp in fingerprints],
        },
        "baseline": {
            "static": "/static/img/favicon.svg",
            "healthz": reverse("healthz"),
            "hello": hello,
        },
    }


# --- processes -----------------------------------------------------------------------------------


class Stopped(Exception):
    """SIGTERM or SIGINT: stop what was started and leave."""


def _on_signal(signum: int, _frame: Any) -> None:
    raise Stopped(signal.Signals(signum).name)


def stop(process: subprocess.Popen[bytes] | None, grace: float = 20) -> None:
    """End a process this script started (and the workers it forked), by its pid."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        # Started with start_new_session: its process group is its own pid.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def get(url: str, timeout: float = 10) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - loopback
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def wait_until_serving(base: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}:\n{tail(log)}")
        with contextlib.suppress(OSError):
            if get(f"{base}/healthz", timeout=2)[0] == 200:
                return
        time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer /healthz within 60 s:\n{tail(log)}")


def tail(path: Path, lines: int = 30) -> str:
    if not path.exists():
        return ""
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


# --- the database --------------------------------------------------------------------------------


def choose_database() -> tuple[str, str]:
    """DATABASE_URL (default: local PostgreSQL), or SQLite when that PostgreSQL does not answer."""
    import environ
    import psycopg

    url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    config = environ.Env.db_url_config(url)
    if "postgresql" not in config["ENGINE"]:
        return url, "as given"
    try:
        psycopg.connect(
            host=config.get("HOST") or "127.0.0.1",
            port=config.get("PORT") or 5432,
            user=config.get("USER") or None,
            password=config.get("PASSWORD") or None,
            dbname="postgres",
            connect_timeout=3,
        ).close()
    except psycopg.Error as error:
        sqlite = Path(tempfile.gettempdir()) / f"asskomm-load-{os.getpid()}.sqlite3"
        return f"sqlite:///{sqlite}", f"PostgreSQL unreachable ({error.__class__.__name__})"
    return url, "as given"


def database_url_of(settings_dict: dict[str, Any]) -> str:
    if settings_dict["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{settings_dict['NAME']}"
    credentials = settings_dict["USER"] + (
        f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else ""
    )
    host = f"{settings_dict['HOST'] or '127.0.0.1'}:{settings_dict['PORT'] or 5432}"
    return f"postgres://{credentials}@{host}/{settings_dict['NAME']}"


def open_connections(connection: Any) -> int | None:
    """Connections to the bench database right now (PostgreSQL only)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )
        return int(cursor.fetchone()[0])


# --- figures -------------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    """Nearest rank: the smallest value with at least ``share`` of all values at or below it."""
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)]


def summarise(samples: list[list[Any]]) -> dict[str, Any]:
    """Requests, failures, requests/s and p50/p95/p99 (ms) of some of the run's requests."""
    if not samples:
        return {"requests": 0, "failures": 0}
    times = [sample[2] for sample in samples]
    first = min(sample[0] for sample in samples)
    last = max(sample[0] + sample[2] / 1000 for sample in samples)
    return {
        "requests": len(samples),
        "failures": sum(1 for sample in samples if sample[3]),
        "requests_per_s": round(len(samples) / max(last - first, 1e-9), 2),
        "p50_ms": round(percentile(times, 0.50), 1),
        "p95_ms": round(percentile(times, 0.95), 1),
        "p99_ms": round(percentile(times, 0.99), 1),
        "max_ms": round(max(times), 1),
    }


def figures(
    samples: list[list[Any]], seconds: float, cpu: list[tuple[float, float]]
) -> dict[str, Any]:
    """Overall, after the logins, and per request group; p50 as a multiple of the baseline's.

    ``cpu`` is gunicorn's CPU time (s) sampled during the run, as (epoch, seconds) pairs: the
    server's CPU milliseconds per request, overall and once every login is done.
    """
    overall = summarise(samples)
    overall["requests_per_s"] = round(len(samples) / seconds, 2)
    first = min((s[0] for s in samples), default=0)
    logins = [s[0] + s[2] / 1000 for s in samples if s[1].startswith("login")]
    settled = max(logins, default=first)
    after = [s for s in samples if s[0] >= settled]
    groups = {
        name: summarise([s for s in samples if s[1] == name])
        for name in sorted({sample[1] for sample in samples})
    }
    baseline_group = next((name for name in BASELINES if name in groups), None)
    baseline = groups[baseline_group].get("p50_ms") if baseline_group else None
    for row in groups.values():
        if baseline and "p50_ms" in row:
            row["p50_vs_baseline"] = round(row["p50_ms"] / baseline, 1)
    errors: dict[str, int] = {}
    for sample in samples:
        if sample[3]:
            key = f"{sample[1]}: {sample[3]}"[:200]
            errors[key] = errors.get(key, 0) + 1

    def cpu_ms_per_request(since: float, count: int) -> float | None:
        used = [value for when, value in cpu if when >= since]
        if not count or len(used) < 2:
            return None
        return round(1000 * (used[-1] - used[0]) / count, 1)

    return {
        **overall,
        "server_cpu_ms_per_request": cpu_ms_per_request(0, len(samples)),
        "after_logins": {
            "from_s": round(settled - first, 1),
            **summarise(after),
            "server_cpu_ms_per_request": cpu_ms_per_request(settled, len(after)),
        },
        "baseline_group": baseline_group,
        "groups": groups,
        "errors": dict(sorted(errors.items(), key=lambda item: -item[1])[:20]),
    }


def server_log_problems(log: Path) -> dict[str, int]:
    text = log.read_text(errors="replace") if log.exists() else ""
    return {
        "worker_timeouts": text.count("WORKER TIMEOUT"),
        "internal_server_errors": text.count("Internal Server Error"),
        "tracebacks": text.count("Traceback (most recent call last)"),
    }


def cpu_seconds(server: subprocess.Popen[bytes]) -> float:
    """CPU time (user + system) gunicorn's master and workers have used so far."""
    import psutil  # installed with locust

    total = 0.0
    master = psutil.Process(server.pid)
    for process in [master, *master.children(recursive=True)]:
        with contextlib.suppress(psutil.NoSuchProcess):
            times = process.cpu_times()
            total += times.user + times.system
    return total


def idle_baseline(base: str, path: str, runs: int = 100) -> float:
    """Median ms of a request with nothing else running (the same server, one client)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        status, _body = get(f"{base}{path}")
        times.append((time.perf_counter() - start) * 1000)
        if status != 200:
            raise RuntimeError(f"{path} answered {status}")
    return round(statistics.median(times), 2)


# --- the run -------------------------------------------------------------------------------------


def main() -> int:
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, _on_signal)
    work = Path(tempfile.mkdtemp(prefix="asskomm-load-"))
    media = work / "media"
    server: subprocess.Popen[bytes] | None = None
    runner: subprocess.Popen[bytes] | None = None
    destroy = None
    database_url, database_note = choose_database()
    try:
        sys.path.insert(0, str(ROOT))
        os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
        os.environ["DATABASE_URL"] = database_url
        os.environ["DJANGO_MEDIA_ROOT"] = str(media)
        os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
        os.environ["ASSKOMM_BENCH_HELLO"] = "1"  # the baseline view, where the portal has it
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection

        if connection.vendor == "sqlite":
            connection.settings_dict["TEST"]["NAME"] = str(work / "load.sqlite3")
        started = time.perf_counter()
        old_name = connection.creation.create_test_db(
            verbosity=0, autoclobber=True, serialize=False
        )
        destroy = lambda: connection.creation.destroy_test_db(old_name, verbosity=0)  # noqa: E731
        migrate_s = time.perf_counter() - started
        started = time.perf_counter()
        call_command("seed_demo", stdout=io.StringIO())
        seed_s = time.perf_counter() - started
        coordinators = max(1, math.ceil(USERS * COORDINATOR_SHARE[0] / COORDINATOR_SHARE[1]))
        plan = build_plan(coordinators)
        plan_file = work / "plan.json"
        plan_file.write_text(json.dumps(plan, indent=1))
        served_database = database_url_of(connection.settings_dict)
        connection.close()

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server_log = work / "gunicorn.log"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": SETTINGS,
            "DATABASE_URL": served_database,
            "DJANGO_MEDIA_ROOT": str(media),
            "DJANGO_LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
        with open(server_log, "wb") as log:
            server = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "asskomm.wsgi",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    str(WORKERS),
                    "--threads",
                    str(THREADS),
                    "--timeout",
                    "30",
                    "--graceful-timeout",
                    "10",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_until_serving(base, server, server_log)
        # Warm up: every public URL once (fills the figures cache), and the idle baselines.
        for url in (*plan["public"]["verify"][:1], plan["public"]["figures"]):
            status, _body = get(f"{base}{url}", timeout=60)
            if status != 200:
                raise RuntimeError(f"{url} answered {status} before the load:\n{tail(server_log)}")
        idle = {
            "static_p50_ms": idle_baseline(base, plan["baseline"]["static"]),
            "healthz_p50_ms": idle_baseline(base, plan["baseline"]["healthz"]),
            **(
                {"hello_p50_ms": idle_baseline(base, plan["baseline"]["hello"])}
                if plan["baseline"]["hello"]
                else {}
            ),
        }

        samples_file = work / "samples.json"
        connections: list[int] = []
        with open(work / "locust.log", "wb") as log:
            runner = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "locust",
                    "-f",
                    str(ROOT / "bench" / "locustfile.py"),
                    "--headless",
                    "--users",
                    str(USERS),
                    "--spawn-rate",
                    str(SPAWN_RATE),
                    "--run-time",
                    f"{SECONDS}s",
                    "--stop-timeout",
                    "10",
                    "--host",
                    base,
                    "--only-summary",
                    "--loglevel",
                    "WARNING",
                ],
                cwd=ROOT,
                env={
                    **env,
                    "ASSKOMM_LOAD_PLAN": str(plan_file),
                    "ASSKOMM_LOAD_SAMPLES": str(samples_file),
                },
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        cpu = [(time.time(), cpu_seconds(server))]
        load_before = round(os.getloadavg()[0], 1)
        deadline = time.monotonic() + SECONDS + 120
        while runner.poll() is None:
            if time.monotonic() > deadline:
                raise RuntimeError(f"locust did not stop:\n{tail(work / 'locust.log')}")
            if server.poll() is not None:
                raise RuntimeError(f"gunicorn exited during the load:\n{tail(server_log)}")
            with contextlib.suppress(Exception):
                count = open_connections(connection)
                if count is not None:
                    connections.append(count)
            cpu.append((time.time(), cpu_seconds(server)))
            time.sleep(1)
        connection.close()
        cpu.append((time.time(), cpu_seconds(server)))
        load_after = round(os.getloadavg()[0], 1)
        stop(server)
        if not samples_file.exists():
            raise RuntimeError(f"locust wrote no samples:\n{tail(work / 'locust.log')}")
        measured = figures(json.loads(samples_file.read_text()), SECONDS, cpu)
        result = {
            "benchmark": "load",
            "database": connection.vendor,
            "database_note": database_note,
            "cores": os.cpu_count(),
            "gunicorn": {"workers": WORKERS, "threads": THREADS, "timeout_s": 30},
            "conn_max_age": connection.settings_dict["CONN_MAX_AGE"],
            "cache": "redis" if settings.REDIS_URL else "local memory (per worker)",
            "users": USERS,
            "spawn_rate": SPAWN_RATE,
            "seconds": SECONDS,
            "think_time_s": os.environ.get("LOAD_WAIT", "1-3"),
            "coordinator_accounts": len(plan["coordinators"]),
            "setup_s": {"migrate": round(migrate_s, 1), "seed_demo": round(seed_s, 1)},
            "baseline": "same gunicorn, same run: "
            + (
                "the hello view (whole middleware stack, no database)"
                if measured["baseline_group"] == BASELINES[0]
                else "a static file through WhiteNoise (no view, no database)"
            ),
            "idle_baseline": idle,
            "db_connections_max": max(connections) if connections else None,
            # Other work on the machine makes the figures noisy: its load before and after.
            "load_average_1min": {"before": load_before, "after": load_after},
            "server_log": server_log_problems(server_log),
            **measured,
        }
        print(json.dumps(result, indent=2, ensure_ascii=False))
        problems = sum(result["server_log"].values())
        failed = measured["failures"] or not measured["requests"] or problems
        return 1 if failed else 0
    except Stopped as signal_name:
        print(f"load test stopped by {signal_name}", file=sys.stderr)
        return 130
    finally:
        stop(runner)
        stop(server)
        if destroy is not None:
            with contextlib.suppress(Exception):
                destroy()
        if os.environ.get("LOAD_KEEP"):
            print(f"logs, plan and samples kept in {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
        if database_url.startswith("sqlite:///"):
            Path(database_url.removeprefix("sqlite:///")).unlink(missing_ok=True)


if __name__ == "__main__":
    sys.exit(main())
