"""Error reporting: with SENTRY_DSN an error in a view reaches the service, without personal data.

The "service" is a small HTTP server of this test that accepts Sentry envelopes; the portal runs
in a subprocess with the DSN pointing at it (sentry-sdk is initialised by the settings).
"""

import gzip
import json
import os
import subprocess
import sys
import threading
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


class EnvelopeReceiver(BaseHTTPRequestHandler):
    received: list[tuple[str, dict[str, str], bytes]]

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "deflate":
            body = zlib.decompress(body)
        elif encoding == "br":
            import brotli

            body = brotli.decompress(body)
        self.received.append((self.path, dict(self.headers), body))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def sentry_server() -> Iterator[tuple[int, list[tuple[str, dict[str, str], bytes]]]]:
    received: list[tuple[str, dict[str, str], bytes]] = []
    handler = type("Receiver", (EnvelopeReceiver,), {"received": received})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], received
    finally:
        server.shutdown()
        server.server_close()


def events(received: list[tuple[str, dict[str, str], bytes]]) -> list[dict]:
    """The events (error items) of the envelopes: header line, then item header and payload."""
    found = []
    for _, _, body in received:
        lines = body.split(b"\n")
        for header, payload in zip(lines[1::2], lines[2::2], strict=False):
            if json.loads(header).get("type") == "event":
                found.append(json.loads(payload))
    return found


REQUEST_A_FAILING_PAGE = (
    "import django, sentry_sdk; django.setup(); "
    "from django.test import Client, override_settings; "
    "c = Client(raise_request_exception=False, HTTP_HOST='localhost'); "
    "c.cookies['sessionid'] = 'geheim'; "
    "with_urls = override_settings(ROOT_URLCONF='tests.support.error_urls'); "
    "with_urls.enable(); "
    "print(c.get('/kaputt?q=1', HTTP_USER_AGENT='Testbrowser').status_code); "
    "sentry_sdk.flush(timeout=10)"
)


def test_an_error_in_a_view_is_delivered_without_personal_data(sentry_server) -> None:
    port, received = sentry_server
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SENTRY_"))}

    result = subprocess.run(
        [sys.executable, "-c", REQUEST_A_FAILING_PAGE],
        cwd=ROOT,
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "asskomm.settings.dev",
            "DJANGO_DEBUG": "false",
            "SENTRY_DSN": f"http://testkey@127.0.0.1:{port}/1",
            "SENTRY_ENVIRONMENT": "abnahme",
            "SENTRY_RELEASE": "asskomm@2026.12",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "500"
    assert received, "no envelope reached the server"
    assert all(path == "/api/1/envelope/" for path, _, _ in received)
    assert "sentry_key=testkey" in received[0][1].get("X-Sentry-Auth", "")
    [event] = events(received)
    [exception] = event["exception"]["values"]
    assert exception["type"] == "RuntimeError"
    assert exception["value"] == "Testfehler für die Fehlermeldung"
    assert event["environment"] == "abnahme"
    assert event["release"] == "asskomm@2026.12"
    assert event["transaction"] == "/kaputt"
    # send_default_pii is off: no cookies, no user, no IP address anywhere in the event.
    sent = json.dumps(event)
    assert "geheim" not in sent
    assert "ip_address" not in sent
    assert "user" not in event


def test_without_a_dsn_nothing_is_initialised() -> None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SENTRY_"))}

    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, sentry_sdk; django.setup(); print(sentry_sdk.is_initialized())",
        ],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "asskomm.settings.dev"},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
