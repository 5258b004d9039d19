"""The files that describe the production stack are valid."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_compose_file_satisfies_the_compose_specification() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.compose-spec",
            str(ROOT / "docker-compose.yml"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_stack_has_web_worker_beat_postgres_and_redis() -> None:
    import yaml

    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]

    assert {"web", "worker", "beat", "postgres", "redis"} <= services.keys()
    assert "gunicorn" in services["web"]["command"]
    assert services["worker"]["command"][:3] == ["celery", "-A", "asskomm"]
    assert "worker" in services["worker"]["command"]
    assert "beat" in services["beat"]["command"]
    for name in ("web", "worker", "postgres", "redis"):
        assert "healthcheck" in services[name], name


def test_web_healthcheck_probes_liveness_not_redis_or_workers() -> None:
    import yaml

    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]

    # /healthz answers 503 when Redis or every worker is down; the web container must not be
    # restarted for that (the pages work without them), so its healthcheck asks /healthz/live.
    probe = services["web"]["healthcheck"]["test"]
    assert probe[-1].endswith(":8000/healthz/live"), probe
    assert "ping" in " ".join(services["worker"]["healthcheck"]["test"])


def test_the_image_holds_the_gunicorn_settings_and_pg_dump() -> None:
    # gunicorn reads gunicorn.conf.py from its working directory: JSON access logs in production.
    dockerfile = (ROOT / "Dockerfile").read_text()

    assert "gunicorn.conf.py" in dockerfile
    assert (ROOT / "gunicorn.conf.py").exists()
    # `docker compose run --rm web python manage.py backup` needs pg_dump in the image.
    assert "postgresql-client" in dockerfile


def test_image_runs_as_a_non_root_user() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()

    assert "libharfbuzz-subset0" in dockerfile
    assert "collectstatic" in dockerfile
    assert (
        dockerfile.strip().splitlines()[-3].startswith("USER ") or "\nUSER asskomm\n" in dockerfile
    )


def test_the_image_holds_every_app_of_the_project() -> None:
    from django.apps import apps

    dockerfile = (ROOT / "Dockerfile").read_text()
    # The project's own apps: packages at the top of the checkout (not the virtualenv's).
    local = {
        config.name.split(".")[0]
        for config in apps.get_app_configs()
        if Path(config.path).resolve().parent == ROOT
    }
    assert {"asskomm", "accounts", "figures"} <= local
    for package in sorted(local):
        assert f"COPY {package} ./{package}" in dockerfile, f"Dockerfile does not copy {package}/"
