"""Settings: an embedded default that needs no server, env-driven services, safe production."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def run_python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CELERY_", "ASSKOMM_", "EMAIL_"))
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


DESCRIBE = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "from asskomm.celery import app; "
    "print(json.dumps({'engine': s.DATABASES['default']['ENGINE'], "
    "'eager': app.conf.task_always_eager, "
    "'broker': s.CELERY_BROKER_URL, 'language': s.LANGUAGE_CODE, 'tz': s.TIME_ZONE, "
    "'cache': s.CACHES['default']['BACKEND']}))"
)


def test_embedded_default_needs_no_server() -> None:
    result = run_python(DESCRIBE, {"DJANGO_SETTINGS_MODULE": "asskomm.settings.dev"})

    assert result.returncode == 0, result.stderr
    described = json.loads(result.stdout)
    assert described["engine"] == "django.db.backends.sqlite3"
    assert described["eager"] is True
    assert described["broker"] == "memory://localhost/"
    assert (described["language"], described["tz"]) == ("de", "Europe/Berlin")
    assert described["cache"].endswith("LocMemCache")


def test_database_url_and_redis_url_switch_to_real_services() -> None:
    result = run_python(
        DESCRIBE,
        {
            "DJANGO_SETTINGS_MODULE": "asskomm.settings.dev",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/asskomm",
            "REDIS_URL": "redis://127.0.0.1:6379/3",
        },
    )

    assert result.returncode == 0, result.stderr
    described = json.loads(result.stdout)
    assert described["engine"] == "django.db.backends.postgresql"
    assert described["eager"] is False
    assert described["broker"] == "redis://127.0.0.1:6379/3"
    assert described["cache"].endswith("RedisCache")


def test_locale_block_is_german() -> None:
    assert settings.LANGUAGE_CODE == "de"
    assert settings.TIME_ZONE == "Europe/Berlin"
    assert settings.USE_TZ is True
    assert settings.USE_THOUSAND_SEPARATOR is True


def test_celery_delivers_at_least_once() -> None:
    assert settings.CELERY_TASK_ACKS_LATE is True
    assert settings.CELERY_TASK_REJECT_ON_WORKER_LOST is True
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DJANGO_ALLOWED_HOSTS": "portal.example"}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_SECRET_KEY": "x" * 60}, "DJANGO_ALLOWED_HOSTS"),
    ],
)
def test_production_refuses_to_start_without_its_secrets(env: dict[str, str], message: str) -> None:
    result = run_python(
        "import django; django.setup()", {"DJANGO_SETTINGS_MODULE": "asskomm.settings.prod", **env}
    )

    assert result.returncode != 0
    assert message in result.stderr


def test_production_settings_pass_the_deployment_check() -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
            "DJANGO_SETTINGS_MODULE": "asskomm.settings.prod",
            "DJANGO_SECRET_KEY": "test-only-" + "k3y" * 20,
            "DJANGO_ALLOWED_HOSTS": "portal.example",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_demo_data_is_not_allowed_in_production() -> None:
    result = run_python(
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.ASSKOMM_ALLOW_DEMO_DATA)",
        {
            "DJANGO_SETTINGS_MODULE": "asskomm.settings.prod",
            "DJANGO_SECRET_KEY": "y" * 60,
            "DJANGO_ALLOWED_HOSTS": "portal.example",
        },
    )

    assert result.stdout.strip() == "False", result.stderr


def test_production_keeps_database_connections_and_checks_them() -> None:
    # A connection per request cost 15-30 ms per request under bench/load.py.
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        "d = settings.DATABASES['default']; "
        "print(json.dumps([d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS']]))"
    )
    production = {
        "DJANGO_SETTINGS_MODULE": "asskomm.settings.prod",
        "DJANGO_SECRET_KEY": "y" * 60,
        "DJANGO_ALLOWED_HOSTS": "portal.example",
    }

    kept = run_python(code, production)
    configured = run_python(code, {**production, "DJANGO_CONN_MAX_AGE": "0"})

    assert json.loads(kept.stdout) == [60, True], kept.stderr
    assert json.loads(configured.stdout) == [0, True], configured.stderr


def test_every_environment_variable_is_documented_in_env_example() -> None:
    read = set()
    for path in (ROOT / "asskomm" / "settings").glob("*.py"):
        read |= set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z][A-Z0-9_]+)"', path.read_text()))
    read |= set(
        re.findall(
            r'os\.environ\.get\("([A-Z][A-Z0-9_]+)"', (ROOT / "tests" / "conftest.py").read_text()
        )
    )
    documented = set(
        re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M)
    )

    assert read, "no variables found: the pattern no longer matches the settings"
    assert read - documented == set()


def test_dependencies_are_pinned_by_the_constraints_file() -> None:
    pins = dict(
        line.split("==", 1)
        for line in (ROOT / "constraints.txt").read_text().splitlines()
        if line and not line.startswith("#")
    )
    lowered = {name.lower().replace("_", "-"): version for name, version in pins.items()}

    for package in ("django", "celery", "weasyprint", "psycopg", "redis", "django-crispy-forms"):
        assert package in lowered, package
    assert lowered["django"].startswith("5.2.")
