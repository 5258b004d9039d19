"""The production stack as docker-compose.yml describes it, run as plain processes.

There is no Docker engine in CI: the test reads the commands of the ``migrate``, ``web``, ``worker``
and ``beat`` services from docker-compose.yml and starts the same programs with the production
settings against this test's PostgreSQL database and a Redis database of their own. Then it
does what a member of staff does: logs in, creates a cooperation agreement in the admin,
releases it for signature, waits for the worker's PDF and downloads it.
"""

import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.roles import Role
from agreements.models import AgreementDocument, CooperationAgreement
from municipalities.models import Contact, Municipality

from .factories import MunicipalityFactory, UserFactory
from .support.http import Browser
from .support.worker import database_url_for_worker

pytestmark = [pytest.mark.postgres, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST = "portal.example"
PASSWORD = "Stack-Test-Passwort-2026!"


def services() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def own_redis_url() -> str:
    """The test's Redis server, another database number: the stack's queues are its own."""
    base, _, number = settings.REDIS_URL.rpartition("/")
    return f"{base}/{(int(number or 0) + 3) % 16}"


def local(command: list[str], port: int) -> list[str]:
    """A service's command with this virtualenv's programs and a loopback port."""
    program, *arguments = command
    program = sys.executable if program == "python" else str(BIN / program)
    arguments = [f"127.0.0.1:{port}" if a.startswith("0.0.0.0:") else a for a in arguments]
    return [program, *arguments]


@contextmanager
def process(name: str, command: list[str], env: dict[str, str], log: Path) -> Iterator[Any]:
    with log.open("w") as output:
        running = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
        try:
            yield running
        finally:
            running.terminate()
            try:
                running.wait(timeout=30)
            except subprocess.TimeoutExpired:
                running.kill()
                running.wait()


def location(response: Any) -> str:
    """The path a redirect leads to (absolute or relative)."""
    url = urllib.parse.urlsplit(response.headers["Location"])
    return url.path + (f"?{url.query}" if url.query else "")


def totp_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):0{device.digits}d}"


def wait_until(check: Any, timeout: float, what: str, logs: Path) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.3)
    tails = "\n".join(f"--- {p.name}\n{p.read_text()[-2000:]}" for p in sorted(logs.glob("*.log")))
    raise AssertionError(f"{what}: not within {timeout} s\n{tails}")


def test_the_compose_stack_renders_and_serves_an_agreement(tmp_path: Path) -> None:
    compose = services()
    static_root = Path(tempfile.mkdtemp(prefix="asskomm-stack-static-"))
    env = {
        **os.environ,
        **{k: str(v) for k, v in compose["web"].get("environment", {}).items()},
        "DJANGO_SETTINGS_MODULE": "asskomm.settings.prod",
        "DJANGO_SECRET_KEY": "stack-test-" + "0123456789abcdef" * 4,
        "DJANGO_ALLOWED_HOSTS": f"{HOST},127.0.0.1,localhost",
        "DATABASE_URL": database_url_for_worker(),
        "REDIS_URL": own_redis_url(),
        "CELERY_BROKER_URL": own_redis_url(),
        "CELERY_RESULT_BACKEND": own_redis_url(),
        "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "DJANGO_STATIC_ROOT": str(static_root),
        "PYTHONUNBUFFERED": "1",
    }
    for key in ("CELERY_TASK_ALWAYS_EAGER", "DJANGO_DEBUG"):
        env.pop(key, None)

    # What the image does at build time, and the one-off migrate service.
    for command in (
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        local(compose["migrate"]["command"], 0),
    ):
        done = subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stdout + done.stderr

    officer = UserFactory(roles=[Role.ADMINISTRATION], email="referat@lpr.example")
    # Hashed as production hashes (the test settings use a fast hasher production does not know).
    officer.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    officer.save()
    device = TOTPDevice.objects.create(user=officer, name="Authenticator", confirmed=True)
    municipality = MunicipalityFactory(
        name="Dippoldiswalde", kind=Municipality.Kind.MAJOR_DISTRICT_TOWN
    )
    contact = Contact.objects.create(
        first_name="Torsten",
        last_name="Kosuch",
        organisation="Landespräventionsrat Sachsen",
        email="asskomm@lpr.example",
    )

    port = free_port()
    browser = Browser(f"http://127.0.0.1:{port}", HOST)
    with ExitStack() as stack:
        for name in ("web", "worker", "beat"):
            stack.enter_context(
                process(name, local(compose[name]["command"], port), env, tmp_path / f"{name}.log")
            )
        stack.callback(shutil.rmtree, static_root, True)

        def healthy() -> Any:
            try:
                response = browser.get("/healthz")
            except OSError:
                return None
            return response if response.status == 200 else None

        # Ready: gunicorn answers, and the worker answered a ping through Redis.
        health = wait_until(healthy, 60, "gunicorn answering /healthz", tmp_path)
        report = json.loads(health.body)
        assert (report["database"], report["redis"], report["worker"]) == ("ok", "ok", "ok")
        assert browser.get("/healthz/live").status == 200

        # Log in through the login form; production asks staff for the second factor.
        assert browser.get("/admin/").status == 302
        login_path = reverse("login") + "?next=/admin/"
        login = browser.form(login_path, action=reverse("login"))
        login.update(username=[officer.email], password=[PASSWORD])
        answer = browser.post(login_path, login)
        assert answer.status == 302, (
            login,
            re.findall(r"(?s)<div[^>]*(?:invalid-feedback|alert)[^>]*>(.*?)</div>", answer.text),
        )
        target = location(answer)
        assert target == "/admin/", target
        # The admin sends staff on to the code page until they have given the code.
        answer = browser.get(target)
        assert answer.status == 302
        target = location(answer)
        assert target.startswith(reverse("two_factor_verify")), target
        code = browser.form(target, action=reverse("two_factor_verify"))
        code["code"] = [totp_code(device)]
        answer = browser.post(target, code)
        assert answer.status == 302, answer.text[:1000]
        assert location(answer) == "/admin/"
        assert browser.get("/admin/").status == 200

        # Create the agreement with its signatories and a measure, as the add form sends it.
        add = "/admin/agreements/cooperationagreement/add/"
        form = browser.form(add, "cooperationagreement_form")
        form.update(
            municipalities=[str(municipality.pk)],
            lpr_contact=[str(contact.pk)],
            signing_place=["Dippoldiswalde"],
            planned_on=["09.11.2021"],
        )
        prefixes = {name.split("-")[0] for name in form if name.endswith("-TOTAL_FORMS")}
        assert {"signatories", "measures"} <= prefixes, sorted(form)
        signatories, measures = "signatories", "measures"
        rows = [
            ("kommune", "Kerstin Körner", "Oberbürgermeisterin"),
            ("polizeidirektion", "Peter Langer", "Leitender Polizeidirektor"),
            ("lpr", "Sven Forkert", "Geschäftsführer des Landespräventionsrates Sachsen"),
        ]
        for index, (party, person, function) in enumerate(rows):
            form[f"{signatories}-{index}-party"] = [party]
            form[f"{signatories}-{index}-person_name"] = [person]
            form[f"{signatories}-{index}-function"] = [function]
            form[f"{signatories}-{index}-position"] = [str(index + 1)]
        form[f"{signatories}-TOTAL_FORMS"] = [str(len(rows))]
        form[f"{measures}-0-position"] = ["1"]
        form[f"{measures}-0-kind"] = ["koordinierungsstelle"]
        form[f"{measures}-0-description"] = ["Eine Koordinierungsstelle für den Sicherheitskreis."]
        form[f"{measures}-TOTAL_FORMS"] = ["1"]
        answer = browser.post(add, form)
        assert answer.status == 302, re.findall(
            r'(?s)(?:field-\S+ errors|class="errorlist).{0,300}', answer.text
        )
        agreement = CooperationAgreement.objects.get(municipalities=municipality)
        assert agreement.signatories.count() == 3

        # Release it for signature: the web process queues the render, the worker renders.
        change = f"/admin/agreements/cooperationagreement/{agreement.pk}/change/"
        csrf = browser.form(change)["csrfmiddlewaretoken"][0]
        answer = browser.post(
            f"/admin/agreements/cooperationagreement/{agreement.pk}/freigeben/",
            {"csrfmiddlewaretoken": [csrf]},
        )
        assert answer.status == 302
        document = wait_until(
            lambda: AgreementDocument.objects.filter(agreement=agreement).first(),
            120,
            "the worker's PDF",
            tmp_path,
        )

        # Download it through the web process: the bytes the worker stored, unchanged.
        document_path = f"/admin/agreements/cooperationagreement/dokumente/{document.pk}/"
        pdf = browser.get(document_path)
        assert pdf.status == 200
        assert pdf.headers["Content-Type"] == "application/pdf"
        assert pdf.body.startswith(b"%PDF-")
        assert hashlib.sha256(pdf.body).hexdigest() == document.sha256

        # Beat runs with the database scheduler the migration set up.
        beat_log = (tmp_path / "beat.log").read_text()
        assert "beat: Starting" in beat_log, beat_log[-2000:]
        assert "DatabaseScheduler" in beat_log

        # Production logs are JSON lines (DJANGO_LOG_FORMAT defaults to json in prod): gunicorn's
        # access and error logs, Django's, and beat's (no start banner with --quiet).
        def json_lines(name: str) -> list[dict[str, Any]]:
            written = (tmp_path / f"{name}.log").read_text()
            return [json.loads(line) for line in written[: written.rfind("\n") + 1].splitlines()]

        assert json_lines("beat")
        access = wait_until(
            lambda: [
                e
                for e in json_lines("web")
                if e["logger"] == "gunicorn.access" and e["path"] == document_path
            ],
            10,
            "the download in gunicorn's access log",
            tmp_path,
        )
        assert (access[0]["method"], access[0]["status"]) == ("GET", 200)
