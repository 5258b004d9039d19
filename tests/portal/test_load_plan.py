"""The load test's request mix (bench/load.py, bench/locustfile.py) against real data.

The load test itself is run by ``make bench``; timings do not belong in tests. What is checked
here is that every URL the virtual users request answers 200 for the account that requests it,
so that a renamed URL or a new permission does not turn the load test into a test of 404s.
"""

import subprocess
import sys
from pathlib import Path
from typing import Any

from django.test import Client

from bench.load import build_plan, figures, percentile

from .conftest import Place

ROOT = Path(__file__).resolve().parents[2]


def test_every_url_of_the_mix_answers_the_user_who_requests_it(
    client: Client, place_a: Place, place_b: Place
) -> None:
    plan = build_plan(coordinators=2)

    accounts = plan["coordinators"]
    assert sorted(account["ags"] for account in accounts) == sorted(
        [place_a.municipality.ags, place_b.municipality.ags]
    )
    for account in accounts:
        assert account["agreement_pdfs"]
        assert account["letters"]
        assert account["applications"]
        client.logout()
        login = client.post(
            plan["login"], {"username": account["email"], "password": account["password"]}
        )
        assert login.status_code == 302, account["email"]
        for url in [
            *account["pages"].values(),
            *account["applications"],
            *account["agreement_pdfs"],
            *account["letters"],
        ]:
            response = client.get(url)
            assert response.status_code == 200, url
            if url in account["agreement_pdfs"] + account["letters"]:
                assert b"".join(response.streaming_content).startswith(b"%PDF-")
    client.logout()
    public = [*plan["public"].values(), *plan["baseline"].values()]
    for url in [u for entry in public for u in (entry if isinstance(entry, list) else [entry])]:
        if url is not None:  # the hello view is routed only with ASSKOMM_BENCH_HELLO
            assert client.get(url).status_code == 200, url


def test_a_coordinator_of_one_municipality_gets_none_of_another_s_documents(
    client: Client, place_a: Place, place_b: Place
) -> None:
    plan = build_plan(coordinators=2)
    first, second = plan["coordinators"]

    client.post(plan["login"], {"username": first["email"], "password": first["password"]})

    for url in second["agreement_pdfs"] + second["letters"] + [second["pages"]["start"]]:
        assert client.get(url).status_code == 404, url


def test_percentiles_and_groups_of_a_run() -> None:
    # start (s), name, ms, error
    samples: list[list[Any]] = [
        [100.0, "login: submit", 400.0, ""],
        [100.5, "baseline: static file", 2.0, ""],
        [101.0, "baseline: static file", 4.0, ""],
        [101.5, "coordinator: start page", 40.0, ""],
        [102.0, "coordinator: start page", 60.0, "status 500"],
    ]
    cpu = [(100.0, 10.0), (100.4, 10.5), (102.1, 10.7)]

    result = figures(samples, seconds=2, cpu=cpu)

    assert percentile([5, 1, 4, 2, 3], 0.5) == 3
    assert percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95) == 10
    assert result["requests"] == 5
    assert result["failures"] == 1
    assert result["requests_per_s"] == 2.5
    assert result["p50_ms"] == 40.0
    assert result["server_cpu_ms_per_request"] == 140.0  # 0.7 s for 5 requests
    assert result["after_logins"]["from_s"] == 0.4
    assert result["after_logins"]["requests"] == 4
    assert result["after_logins"]["server_cpu_ms_per_request"] == 50.0  # 0.2 s for 4
    start_page = result["groups"]["coordinator: start page"]
    assert start_page["p50_ms"] == 40.0
    assert start_page["p50_vs_baseline"] == 20.0  # baseline p50: 2 ms
    assert result["baseline_group"] == "baseline: static file"
    assert result["errors"] == {"coordinator: start page: status 500": 1}


def test_the_locustfile_defines_coordinators_and_anonymous_users() -> None:
    # In a process of its own: importing locust patches the standard library for gevent.
    code = (
        "import locustfile as f\n"
        "for user in (f.CoordinatorUser, f.PublicUser):\n"
        "    print(user.__name__, user.weight, len(user.tasks))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT / "bench",
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    lines = result.stdout.split("\n")
    assert lines[0].startswith("CoordinatorUser 3 ")
    assert lines[1].startswith("PublicUser 2 ")
