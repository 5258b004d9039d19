"""Structured logs: DJANGO_LOG_FORMAT=json gives one JSON object per line, for web and worker."""

import io
import json
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pytest
from django.test import Client

from asskomm.logformat import JsonFormatter

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def capture(name: str) -> Iterator[io.StringIO]:
    """The JSON lines the named logger writes while the block runs."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger(name)
    logger.addHandler(handler)
    try:
        yield stream
    finally:
        logger.removeHandler(handler)


def lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_record_with_an_exception_is_one_json_line() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("asskomm.test.json")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        try:
            1 / 0  # noqa: B018
        except ZeroDivisionError:
            logger.exception("Bescheid %s konnte nicht erstellt werden", "FÖ-2026-0001")
    finally:
        logger.removeHandler(handler)
        logger.propagate = True

    output = stream.getvalue()
    assert output.count("\n") == 1  # the traceback stays inside the one line
    entry = json.loads(output)
    assert entry["level"] == "ERROR"
    assert entry["logger"] == "asskomm.test.json"
    assert entry["message"] == "Bescheid FÖ-2026-0001 konnte nicht erstellt werden"
    assert "ZeroDivisionError: division by zero" in entry["exception"]
    assert datetime.fromisoformat(entry["time"]).utcoffset() is not None  # with its zone


@pytest.mark.django_db
def test_a_request_log_names_path_status_and_request_id(client: Client) -> None:
    with capture("django.request") as stream:
        client.get("/gibt-es-nicht/", HTTP_X_REQUEST_ID="req-4711")

    [entry] = [e for e in lines(stream) if e.get("status") == 404]
    assert entry["path"] == "/gibt-es-nicht/"
    assert entry["method"] == "GET"
    assert entry["request_id"] == "req-4711"
    assert entry["level"] == "WARNING"


def test_a_line_logged_in_a_task_names_the_task() -> None:
    from .support.tasks import log_a_line

    with capture("asskomm.test.task") as stream:
        result = log_a_line.delay("Bescheid erstellt")

    [entry] = lines(stream)
    assert entry["message"] == "Bescheid erstellt"
    assert entry["task"] == "tests.support.tasks.log_a_line"
    assert entry["task_id"] == result.id


def run(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_"))}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "asskomm.settings.dev", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_setting_switches_django_logging_to_json() -> None:
    result = run(
        "import django, logging; django.setup(); "
        "logging.getLogger('asskomm.probe').warning('Probe')",
        DJANGO_LOG_FORMAT="json",
    )

    assert result.returncode == 0, result.stderr
    [entry] = [json.loads(line) for line in result.stderr.splitlines()]
    assert (entry["logger"], entry["message"]) == ("asskomm.probe", "Probe")

    plain = run("import django, logging; django.setup(); logging.getLogger('a.b').warning('Probe')")
    assert plain.stderr.rstrip().endswith("WARNING a.b Probe")


def test_celery_logs_through_the_same_configuration() -> None:
    # What `celery worker` and `celery beat` do at start: set up logging through Celery's app.
    result = run(
        "import django, logging; django.setup(); from asskomm.celery import app; "
        "app.log.setup(loglevel='INFO'); "
        "logging.getLogger('celery.worker').info('bereit')",
        DJANGO_LOG_FORMAT="json",
    )

    assert result.returncode == 0, result.stderr
    entries = [json.loads(line) for line in result.stderr.splitlines()]
    assert {"logger": "celery.worker", "message": "bereit"}.items() <= entries[-1].items()


def test_production_logs_json_by_default() -> None:
    result = run(
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.LOGGING['handlers']['console']['formatter'])",
        DJANGO_SETTINGS_MODULE="asskomm.settings.prod",
        DJANGO_SECRET_KEY="test-only-" + "k3y" * 20,
        DJANGO_ALLOWED_HOSTS="portal.example",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "json"


def test_gunicorn_access_log_is_json_with_path_status_and_request_id(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    log = (tmp_path / "gunicorn.log").open("w+")
    # The command of the compose web service; gunicorn.conf.py is read from the checkout.
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "asskomm.wsgi", "--bind", f"127.0.0.1:{port}"]
        + ["--workers", "1", "--access-logfile", "-"],
        cwd=ROOT,
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "asskomm.settings.dev",
            "DJANGO_LOG_FORMAT": "json",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        },
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                request = urllib.request.Request(
                    f"http://127.0.0.1:{port}/healthz/live", headers={"X-Request-ID": "req-0815"}
                )
                with urllib.request.urlopen(request, timeout=2) as response:  # noqa: S310
                    assert response.status == 200
                break
            except OSError:
                assert time.monotonic() < deadline, log.seek(0) or log.read()
                time.sleep(0.2)
        time.sleep(0.3)  # the access line is written after the answer
    finally:
        server.terminate()
        server.wait(timeout=30)

    log.seek(0)
    entries = [json.loads(line) for line in log.read().splitlines() if line.strip()]
    [access] = [e for e in entries if e["logger"] == "gunicorn.access"]
    assert access["path"] == "/healthz/live"
    assert access["method"] == "GET"
    assert access["status"] == 200
    assert access["request_id"] == "req-0815"
    assert access["duration_ms"] >= 0
    assert any(e["logger"] == "gunicorn.error" for e in entries)  # "Listening at …" as JSON too
