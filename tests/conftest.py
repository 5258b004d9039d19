"""Shared fixtures: real services when configured, the official register, users in every role."""

import os
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.db import connection

from accounts.roles import Role
from municipalities.register_files import parse_register
from municipalities.services import ImportSummary, register_import

from .factories import UserFactory

# Playwright's sync API runs an event loop in the test thread; Django's ORM must still be usable.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

REQUIRE_SERVICES = os.environ.get("ASSKOMM_REQUIRE_SERVICES") == "1"
CHROMIUM = Path(os.environ.get("ASSKOMM_CHROMIUM", "/usr/bin/chromium"))
GV100AD_NAME = "GV100AD_30112025_sachsen.txt"


def unavailable(reason: str) -> None:
    """Skip a test whose service is missing, or fail it where services are required (CI)."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (ASSKOMM_REQUIRE_SERVICES=1: a missing service fails the run)")
    pytest.skip(reason)


def redis_reachable(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), 2):
            return True
    except OSError:
        return False


def pytest_sessionstart(session: pytest.Session) -> None:
    if not REQUIRE_SERVICES:
        return
    problems = []
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        problems.append("DATABASE_URL does not point to PostgreSQL")
    if not settings.REDIS_URL or not redis_reachable(settings.REDIS_URL):
        problems.append("REDIS_URL is not set or Redis does not answer")
    if problems:
        pytest.exit("ASSKOMM_REQUIRE_SERVICES=1, but " + "; ".join(problems), returncode=3)


@pytest.fixture(autouse=True)
def _require_marked_services(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("postgres") and connection.vendor != "postgresql":
        unavailable("needs PostgreSQL: set DATABASE_URL=postgres://…")
    if request.node.get_closest_marker("worker") and not (
        settings.REDIS_URL and redis_reachable(settings.REDIS_URL)
    ):
        unavailable("needs Redis for a real Celery worker: set REDIS_URL=redis://…")
    if request.node.get_closest_marker("browser") and not CHROMIUM.exists():
        unavailable(f"needs Chromium at {CHROMIUM} (Debian package chromium)")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's Chromium: Playwright cannot download its own browser here."""
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "locale": "de-DE", "timezone_id": "Europe/Berlin"}


@pytest.fixture(scope="session")
def shared_data_dir() -> Path:
    path = Path(settings.ASSKOMM_SHARED_DATA_DIR)
    if not path.is_dir():
        unavailable(f"the official reference data is missing: {path} (../shared/data)")
    return path


@pytest.fixture(scope="session")
def gv100ad_path(shared_data_dir: Path) -> Path:
    return shared_data_dir / GV100AD_NAME


@pytest.fixture(scope="session")
def gv100ad_bytes(gv100ad_path: Path) -> bytes:
    return gv100ad_path.read_bytes()


@pytest.fixture
def saxony(db: None, gv100ad_bytes: bytes) -> ImportSummary:
    """The whole official register of Saxony (418 municipalities), imported."""
    return register_import(edition=parse_register(gv100ad_bytes, land="14"), file_name=GV100AD_NAME)


@pytest.fixture
def make_user(db: None) -> Callable[..., Any]:
    def make(*roles: str, **fields: Any) -> Any:
        return UserFactory(roles=list(roles), **fields)

    return make


@pytest.fixture
def officer(make_user: Callable[..., Any]) -> Any:
    return make_user(Role.OFFICER)


@pytest.fixture
def administrator(make_user: Callable[..., Any]) -> Any:
    return make_user(Role.ADMINISTRATION)


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Every test stores its documents in a folder of its own."""
    settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))


@pytest.fixture(scope="session")
def s3() -> Any:
    """An S3 server on 127.0.0.1 (tests/support/s3.py), one for the test run."""
    from .support.s3 import s3_server

    with s3_server() as server:
        yield server


@pytest.fixture(params=["memory", "s3"])
def documents_elsewhere(request: pytest.FixtureRequest, settings: Any) -> str:
    """The documents in a storage without local files: Django's InMemoryStorage, and a bucket
    of the S3 server as ``ASSKOMM_STORAGE=s3`` configures it. Returns the storage's kind."""
    from asskomm.object_storage import s3_documents

    from .support.s3 import ACCESS_KEY, REGION, SECRET_KEY

    if request.param == "memory":
        default = {"BACKEND": "django.core.files.storage.InMemoryStorage"}
    else:
        server = request.getfixturevalue("s3")
        default = s3_documents(
            bucket=server.new_bucket(),
            endpoint_url=server.endpoint_url,
            region_name=REGION,
            access_key=ACCESS_KEY,
            secret_key=SECRET_KEY,
        )
    settings.STORAGES = {**settings.STORAGES, "default": default}
    return str(request.param)


@pytest.fixture(autouse=True)
def _celery_join_flag() -> Any:
    """Celery's "inside a task" flag is process-global, not per thread.

    Eager tasks run in several threads at once (the concurrency tests) can leave it set, and a
    later test's ``result.get()`` would then refuse to wait. Every test starts with it cleared.
    """
    from celery._state import _set_task_join_will_block

    _set_task_join_will_block(False)
    yield
    _set_task_join_will_block(False)
