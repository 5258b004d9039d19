"""The request mix of the load test (``bench/load.py`` starts locust with this file).

Two kinds of virtual users:

- ``CoordinatorUser``: a municipal coordinator. Logs in through the login form (CSRF token from
  the form, as a browser does) with an account of its own municipality, then browses the
  portal: start page, applications, an application, documents, council, requests, contact data,
  and downloads the agreement PDFs and decision letters the municipality may see.
- ``PublicUser``: anybody. The public figures page (/zahlen/) and its map (GeoJSON), the landing
  page, the verification page of a document, and the baselines: a static file served by
  WhiteNoise (no view, no database), the constant "hello" view where the portal routes it
  (``ASSKOMM_BENCH_HELLO``) and /healthz (one ``SELECT 1``).

Which accounts, municipalities and URLs exist depends on the seeded data: ``bench/load.py`` builds
them with ``reverse()`` against the database and passes them as a JSON file named by the
environment variable ``ASSKOMM_LOAD_PLAN``. Every response is checked: a coordinator page must be
a 200 (a redirect to the login page would be a lost session, not a success), a PDF must be a PDF.
"""

import itertools
import json
import os
import random
import re
from collections.abc import Iterator
from functools import cache
from typing import Any

from locust import between, constant, events, task
from locust.contrib.fasthttp import FastHttpUser
from locust.exception import StopUser

# Seconds a virtual user waits between two requests, "1-3" (uniform) or "0" (none): LOAD_WAIT.
WAIT = os.environ.get("LOAD_WAIT", "1-3")
# A request slower than this counts as a failure (gunicorn's own worker timeout is 30 s).
TIMEOUT_SECONDS = float(os.environ.get("LOAD_REQUEST_TIMEOUT", "30"))
CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
# Every request of the run: start (epoch s), name, milliseconds, error or "" (for bench/load.py).
SAMPLES: list[tuple[float, str, float, str]] = []


def wait_time_from(spec: str) -> Any:
    low, _sep, high = spec.partition("-")
    return constant(float(low)) if not high else between(float(low), float(high))


@cache
def plan() -> dict[str, Any]:
    """The accounts and URLs of this run, written by ``bench/load.py``."""
    path = os.environ.get("ASSKOMM_LOAD_PLAN")
    if not path:
        raise RuntimeError("ASSKOMM_LOAD_PLAN is not set: start the load test with bench/load.py")
    with open(path, encoding="utf-8") as file:
        return json.load(file)


@cache
def accounts() -> Iterator[dict[str, Any]]:
    """Coordinator accounts, handed out in turn: each virtual user gets one of its own."""
    return itertools.cycle(plan()["coordinators"])


class PortalUser(FastHttpUser):
    abstract = True
    wait_time = wait_time_from(WAIT)
    network_timeout = TIMEOUT_SECONDS
    connection_timeout = TIMEOUT_SECONDS

    def expect(self, url: str, name: str, content_type: str = "text/html") -> None:
        """GET ``url``: a 200 of the given type, without following redirects."""
        with self.client.get(
            url, name=name, allow_redirects=False, catch_response=True
        ) as response:
            received = response.headers.get("Content-Type", "") if response.headers else ""
            if response.status_code != 200:
                location = response.headers.get("Location", "") if response.headers else ""
                response.failure(f"status {response.status_code} {location}".strip())
            elif not received.startswith(content_type):
                response.failure(f"content type {received!r}, expected {content_type}")
            elif content_type == "application/pdf" and not (response.content or b"").startswith(
                b"%PDF-"
            ):
                response.failure("not a PDF")
            else:
                response.success()


class CoordinatorUser(PortalUser):
    """A municipal coordinator at work in the portal."""

    weight = 3

    def on_start(self) -> None:
        self.account = next(accounts())
        self.pages = self.account["pages"]
        self.log_in()

    def log_in(self) -> None:
        login = plan()["login"]
        with self.client.get(login, name="login: form", catch_response=True) as form:
            token = CSRF_FIELD.search(form.content or b"")
            if token is None:
                form.failure(f"status {form.status_code}, no CSRF token in the login form")
                raise StopUser
        with self.client.post(
            login,
            name="login: submit",
            data={
                "username": self.account["email"],
                "password": self.account["password"],
                "csrfmiddlewaretoken": token.group(1).decode(),
            },
            headers={"Referer": f"{self.host}{login}"},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code == 302:
                response.success()
            else:
                response.failure(f"status {response.status_code}: login refused")
                raise StopUser

    @task(6)
    def start_page(self) -> None:
        self.expect(self.pages["start"], "coordinator: start page")

    @task(3)
    def applications(self) -> None:
        self.expect(self.pages["applications"], "coordinator: applications")

    @task(2)
    def application(self) -> None:
        if self.account["applications"]:
            self.expect(random.choice(self.account["applications"]), "coordinator: application")

    @task(3)
    def documents(self) -> None:
        self.expect(self.pages["documents"], "coordinator: documents")

    @task(1)
    def council(self) -> None:
        self.expect(self.pages["council"], "coordinator: council")

    @task(1)
    def requests(self) -> None:
        self.expect(self.pages["requests"], "coordinator: requests")

    @task(1)
    def contact_data(self) -> None:
        self.expect(self.pages["data"], "coordinator: contact data")

    @task(1)
    def analyses(self) -> None:
        self.expect(self.pages["analyses"], "coordinator: security analyses")

    @task(3)
    def agreement_pdf(self) -> None:
        if self.account["agreement_pdfs"]:
            url = random.choice(self.account["agreement_pdfs"])
            self.expect(url, "download: agreement PDF", "application/pdf")

    @task(2)
    def decision_letter(self) -> None:
        if self.account["letters"]:
            url = random.choice(self.account["letters"])
            self.expect(url, "download: decision letter", "application/pdf")


class PublicUser(PortalUser):
    """Somebody without an account: the public figures, a document check, the baselines."""

    weight = 2

    @task(4)
    def figures(self) -> None:
        self.expect(plan()["public"]["figures"], "public: figures page")

    @task(2)
    def geojson(self) -> None:
        self.expect(plan()["public"]["geojson"], "public: map GeoJSON", "application/geo+json")

    @task(1)
    def home(self) -> None:
        self.expect(plan()["public"]["home"], "public: landing page")

    @task(1)
    def verify(self) -> None:
        if plan()["public"]["verify"]:
            self.expect(random.choice(plan()["public"]["verify"]), "public: verification")

    @task(2)
    def baseline_static(self) -> None:
        self.expect(plan()["baseline"]["static"], "baseline: static file", "image/svg+xml")

    @task(1)
    def baseline_hello(self) -> None:
        if plan()["baseline"].get("hello"):
            self.expect(plan()["baseline"]["hello"], "baseline: hello view", "text/plain")

    @task(1)
    def baseline_healthz(self) -> None:
        self.expect(plan()["baseline"]["healthz"], "baseline: healthz", "application/json")


@events.request.add_listener
def record(
    name: str, response_time: float, exception: Exception | None, start_time: float, **_: Any
) -> None:
    SAMPLES.append((start_time, name, response_time, "" if exception is None else str(exception)))


@events.quitting.add_listener
def write_samples(**_: Any) -> None:
    """All requests to the file ASSKOMM_LOAD_SAMPLES names, for exact percentiles per group."""
    path = os.environ.get("ASSKOMM_LOAD_SAMPLES")
    if path:
        with open(path, "w", encoding="utf-8") as file:
            json.dump(SAMPLES, file)
