"""Jobs that survive faults: a killed worker, a restarted Redis, a broker that is down.

The first tests use real processes: `celery worker` processes and a `redis-server` of the test's
own, against the test's PostgreSQL database. The PDFs of a batch of agreements are rendered while
something breaks; afterwards every document exists exactly once and the job's counts are right.
"""

import hashlib
import os
import shutil
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import redis
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.roles import Role
from agreements.models import AgreedMeasure, AgreementDocument, CooperationAgreement, Signatory
from agreements.services import agreement_queue_documents, agreement_submit_for_signature
from asskomm.celery import app
from asskomm.jobs import jobs_resume
from asskomm.models import Job
from municipalities.models import Contact, Municipality
from municipalities.services import coordinator_assign

from .conftest import unavailable
from .factories import MunicipalityFactory, UserFactory
from .support.worker import ROOT, worker_command, worker_environment

# Seconds before Redis hands out again a message whose worker died. Production uses 3600 (see
# CELERY_BROKER_TRANSPORT_OPTIONS); the worker processes here read it from the environment.
VISIBILITY_TIMEOUT = 4
BATCH = 8


# --- Processes of the test's own ---------------------------------------------------------------


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def children_of(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (a prefork worker's pool), from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid …; comm may contain spaces, so split after the last ")".
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """Still running (a killed pool process whose parent is gone may linger as a zombie)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


class RedisServer:
    """A redis-server this test starts, stops and starts again; port 6391 if free."""

    def __init__(self, directory: Path, *, persistent: bool) -> None:
        if shutil.which("redis-server") is None:
            unavailable("needs the redis-server program (Debian package redis-server)")
        self.port = 6391 if port_is_free(6391) else free_port()
        self.directory = directory
        self.persistent = persistent
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        # appendfsync always: every write is on disk before Redis answers (as in production's
        # docker-compose.yml); without persistence a restart loses the queue.
        persistence = (
            ["--appendonly", "yes", "--appendfsync", "always"]
            if self.persistent
            else ["--appendonly", "no"]
        )
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + persistence
            + ["--dir", str(self.directory), "--daemonize", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1)
        deadline = time.monotonic() + 10
        while True:
            try:
                if client.ping():
                    return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL: no chance to write anything more (the crash, not a clean shutdown)."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class Worker:
    """A prefork `celery worker` with two pool processes on ``queue``, talking to ``broker``."""

    def __init__(self, *, broker: str, queue: str, log: Path) -> None:
        env = worker_environment(
            CELERY_BROKER_URL=broker,
            CELERY_RESULT_BACKEND=broker,
            CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT),
        )
        command = worker_command(
            queue,
            concurrency=2,
            hostname=f"{queue}-{uuid.uuid4().hex[:4]}@%h",
            heartbeat=False,
        )
        self.log = log
        with log.open("ab") as output:
            self.process = subprocess.Popen(  # noqa: S603 - our own worker
                command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
            )

    def kill(self) -> None:
        """SIGKILL the main process and its pool processes: nothing is given back to Redis."""
        if self.process.poll() is not None:
            return  # already ended (and reaped: its pid may belong to someone else by now)
        pids = [self.process.pid, *children_of(self.process.pid)]
        for pid in pids:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process.wait(10)
        for pid in pids[1:]:
            deadline = time.monotonic() + 10
            while alive(pid) and time.monotonic() < deadline:
                time.sleep(0.05)


@contextmanager
def sending_to(broker: str, queue: str = "") -> Iterator[None]:
    """This process sends tasks to ``broker`` (not in-process), on ``queue`` if given.

    The Celery app copied Django's settings when it was configured and keeps a pool of broker
    connections: both are switched here, and put back afterwards.
    """
    names = ("broker_url", "result_backend", "task_always_eager", "task_default_queue")
    previous = {name: app.conf[name] for name in names}

    def reset_pools() -> None:
        app._pool = None  # type: ignore[attr-defined]
        app.amqp._producer_pool = None

    app.conf.update(
        broker_url=broker,
        result_backend=broker,
        task_always_eager=False,
        task_default_queue=queue or previous["task_default_queue"],
    )
    reset_pools()
    try:
        yield
    finally:
        app.conf.update(previous)
        reset_pools()


# --- Data ----------------------------------------------------------------------------------


def make_drafts(count: int) -> list[CooperationAgreement]:
    """Complete drafts, each with a town of its own and every signatory."""
    contact = Contact.objects.create(
        first_name="Torsten",
        last_name="Kosuch",
        function="Referent ASSKomm",
        organisation="Landespräventionsrat Sachsen",
        email="asskomm@lpr.example",
    )
    drafts = []
    for number in range(count):
        town = MunicipalityFactory(kind=Municipality.Kind.TOWN)
        agreement = CooperationAgreement.objects.create(
            lpr_contact=contact, signing_place=town.name, planned_on="2021-11-09"
        )
        agreement.municipalities.set([town])
        for position, (party, name) in enumerate(
            (
                (Signatory.Party.MUNICIPALITY, f"Bürgermeisterin {number}"),
                (Signatory.Party.POLICE, "Peter Langer"),
                (Signatory.Party.LPR, "Sven Forkert"),
            ),
            start=1,
        ):
            Signatory.objects.create(
                agreement=agreement,
                party=party,
                person_name=name,
                function="Unterzeichnende Person",
                position=position,
            )
        AgreedMeasure.objects.create(
            agreement=agreement,
            kind=AgreedMeasure.Kind.COORDINATION_OFFICE,
            description="Einrichtung einer Koordinierungsstelle.",
        )
        drafts.append(agreement)
    return drafts


def frozen_agreements(count: int, broker: str, user: Any) -> list[CooperationAgreement]:
    """Agreements released for signature through the service, their own PDF jobs discarded.

    Released while sending to a queue nobody reads, which is then emptied: the batch under test
    is the only work there is.
    """
    parking = f"asskomm-test-parking-{uuid.uuid4().hex[:8]}"
    agreements = make_drafts(count)
    with sending_to(broker, parking):
        for agreement in agreements:
            agreement_submit_for_signature(agreement=agreement, user=user)
    redis.Redis.from_url(broker).delete(parking)
    Job.objects.all().delete()
    for agreement in agreements:
        agreement.refresh_from_db()
        assert agreement.is_frozen
    return agreements


def wait_until(condition: Callable[[], bool], *, timeout: float, what: str, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not after {timeout} s\n{log.read_text()[-3000:]}")
        time.sleep(0.05)


def progress(job: Job) -> tuple[int, int]:
    job.refresh_from_db()
    return job.completed, job.failed


def assert_rendered_exactly_once(job: Job, agreements: list[CooperationAgreement]) -> None:
    """The job is done without failures, and each agreement has one document and one file."""
    job.refresh_from_db()
    items = list(job.items.all())
    assert job.status == Job.Status.DONE, [item.error for item in items]
    assert (job.total, job.completed, job.failed) == (len(agreements), len(agreements), 0)
    assert job.finished_at is not None
    assert {item.status for item in items} == {Job.Status.DONE}
    assert all(item.error == "" for item in items)
    documents = AgreementDocument.objects.filter(agreement__in=agreements)
    assert documents.count() == len(agreements)
    assert set(documents.values_list("agreement", flat=True)) == {a.pk for a in agreements}
    for document in documents:
        folder = Path(settings.MEDIA_ROOT) / "agreements" / str(document.agreement_id)
        files = list(folder.iterdir())
        assert [file.name for file in files] == [Path(document.file.name).name]
        data = files[0].read_bytes()
        assert data.startswith(b"%PDF-")
        assert hashlib.sha256(data).hexdigest() == document.sha256
        assert len(data) == document.size
    assert len(set(documents.values_list("sha256", flat=True))) == len(agreements)


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[Callable[..., RedisServer]]:
    servers: list[RedisServer] = []

    def start(*, persistent: bool) -> RedisServer:
        server = RedisServer(tmp_path, persistent=persistent)
        server.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[Callable[..., Worker]]:
    started: list[Worker] = []

    def start(broker: str, queue: str) -> Worker:
        worker = Worker(broker=broker, queue=queue, log=tmp_path / "worker.log")
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.kill()  # the test is over: nothing to wait for


# --- A worker killed in the middle of a batch ------------------------------------------------


@pytest.mark.postgres
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_batch_finishes_after_its_worker_was_killed(
    own_redis: Any, workers: Any, officer: Any, tmp_path: Path
) -> None:
    """SIGKILL leaves the messages the worker held in Redis' "unacked" hash (acks_late): no
    worker acknowledged or rejected them. The next worker that starts after the visibility
    timeout puts them back into the queue (kombu restores unacked messages older than that at
    start and every ~100 s), and runs them; the items that had finished are not run again.
    In production the visibility timeout is an hour: a killed worker's tasks resume an hour
    later, or earlier through `jobs_resume` (Celery beat), which sends stalled jobs again.
    """
    broker = own_redis(persistent=False).url
    agreements = frozen_agreements(BATCH, broker, officer)
    queue = f"asskomm-test-{uuid.uuid4().hex[:8]}"
    log = tmp_path / "worker.log"

    with sending_to(broker, queue):
        job = agreement_queue_documents(agreements=agreements, user=officer)
        first = workers(broker, queue)
        unacked = redis.Redis.from_url(broker)  # kombu's hash of delivered, unacked messages
        wait_until(
            lambda: (
                progress(job)[0] >= 1
                and job.items.filter(status=Job.Status.RUNNING).exists()
                and unacked.hlen("unacked") >= 1
            ),
            timeout=90,
            what="the first worker finished one item and works on the next",
            log=log,
        )
        first.kill()
        killed_at = time.monotonic()
        # Nobody writes any more: this is where the batch stopped.
        done_before = set(job.items.filter(status=Job.Status.DONE).values_list("pk", flat=True))
        running = set(job.items.filter(status=Job.Status.RUNNING).values_list("pk", flat=True))
        assert 1 <= len(done_before) < BATCH
        # Messages held by the dead worker: the batch can only finish if they come back.
        assert unacked.hlen("unacked") >= 1

        # Only messages older than the visibility timeout are restored.
        time.sleep(max(0.0, killed_at + VISIBILITY_TIMEOUT + 0.5 - time.monotonic()))
        workers(broker, queue)
        wait_until(
            lambda: progress(job)[0] + progress(job)[1] >= BATCH,
            timeout=90,
            what="the second worker finished the batch",
            log=log,
        )

    assert_rendered_exactly_once(job, agreements)
    for item in job.items.all():
        if item.pk in done_before:
            assert item.attempts == 1  # finished before the kill, not run again
        if item.pk in running:
            assert item.attempts == 2  # the killed attempt and the one after the restore
    assert unacked.hlen("unacked") == 0


# --- Redis restarted under a running batch ------------------------------------------------------


@dataclass
class Interrupted:
    """A batch whose Redis was killed once its worker had finished an item."""

    server: RedisServer
    queue: str
    job: Job
    agreements: list[CooperationAgreement]
    log: Path


@contextmanager
def redis_killed_during_a_batch(
    own_redis: Any, workers: Any, officer: Any, tmp_path: Path, *, persistent: bool
) -> Iterator[Interrupted]:
    """A batch sent through a Redis of the test's own to a worker; once one item is done, that
    Redis is killed (with the batch unfinished). While the block runs, this process still
    sends to it."""
    server = own_redis(persistent=persistent)
    agreements = frozen_agreements(BATCH, server.url, officer)
    queue = f"asskomm-test-{uuid.uuid4().hex[:8]}"
    log = tmp_path / "worker.log"
    with sending_to(server.url, queue):
        job = agreement_queue_documents(agreements=agreements, user=officer)
        workers(server.url, queue)
        wait_until(lambda: progress(job)[0] >= 1, timeout=90, what="one item finished", log=log)
        server.kill()
        assert progress(job)[0] < BATCH
        yield Interrupted(server, queue, job, agreements, log)


@pytest.mark.postgres
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_batch_survives_a_crash_of_redis_that_keeps_its_queue_on_disk(
    own_redis: Any, workers: Any, officer: Any, tmp_path: Path
) -> None:
    """Redis with appendonly/appendfsync always (as docker-compose.yml runs it) is killed in the
    middle of a batch and started again: the queue is read back from the append-only file, the
    worker reconnects by itself and finishes the batch; nothing is sent again by hand."""
    with redis_killed_during_a_batch(
        own_redis, workers, officer, tmp_path, persistent=True
    ) as batch:
        time.sleep(1)
        batch.server.start()
        assert redis.Redis.from_url(batch.server.url).llen(batch.queue) > 0  # the queue is back
        wait_until(
            lambda: sum(progress(batch.job)) >= BATCH,
            timeout=90,
            what="the worker finished the batch after Redis came back",
            log=batch.log,
        )

    assert_rendered_exactly_once(batch.job, batch.agreements)


@pytest.mark.postgres
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_batch_whose_queue_redis_lost_is_sent_again_by_jobs_resume(
    own_redis: Any, workers: Any, officer: Any, tmp_path: Path
) -> None:
    """Redis without persistence restarts empty: the messages are gone, the items stay waiting
    in the database. `jobs_resume` (Celery beat every 10 minutes, or `manage.py resume_jobs`)
    finds the job without progress and the queue empty, and sends its unfinished items again;
    one that was still running is sent too, and whichever attempt finishes second changes
    nothing."""
    with redis_killed_during_a_batch(
        own_redis, workers, officer, tmp_path, persistent=False
    ) as batch:
        job = batch.job
        batch.server.start()
        assert redis.Redis.from_url(batch.server.url).llen(batch.queue) == 0  # the queue is lost
        # A job that is merely slow is left alone …
        assert jobs_resume(idle_for=timedelta(minutes=30)) == 0
        # … one without progress for the idle time (here: none) is sent again.
        # (An item still running when Redis went down may finish meanwhile: it is sent or not.)
        waiting = job.items.filter(status=Job.Status.WAITING).count()
        unfinished = job.items.exclude(status=Job.Status.DONE).count()
        assert 0 < waiting <= jobs_resume(idle_for=timedelta(0)) <= unfinished
        wait_until(
            lambda: sum(progress(job)) >= BATCH,
            timeout=90,
            what="the worker finished the batch sent again",
            log=batch.log,
        )

    assert_rendered_exactly_once(job, batch.agreements)


# --- The web app while the broker is down ----------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_pages_answer_and_jobs_wait_while_redis_is_down(
    client: Client, officer: Any, settings: Any
) -> None:
    """Broker and cache point at a port where nothing listens (Redis is down): the pages answer,
    starting a PDF job says in German that it will be started later (no 500, no long wait), and
    the items stay waiting in the database until `manage.py resume_jobs` sends them."""
    down = f"redis://127.0.0.1:{free_port()}/0"
    settings.CELERY_BROKER_URL = settings.CELERY_RESULT_BACKEND = settings.REDIS_URL = down
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": down,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
    settings.ASSKOMM_PUBLIC_FIGURES_CACHE_SECONDS = 300
    agreements = make_drafts(3)
    town = agreements[0].municipalities.get()
    coordinator = UserFactory(roles=[Role.COORDINATOR])
    coordinator_assign(user=coordinator, municipality=town)
    later = "konnte aber gerade nicht gestartet werden: der Hintergrunddienst ist nicht erreichbar"

    with sending_to(down):
        client.force_login(coordinator)
        assert client.get(reverse("portal:start", args=[town.ags])).status_code == 200
        client.logout()
        assert client.get(reverse("figures:public")).status_code == 200
        client.force_login(officer)
        changelist = reverse("admin:agreements_cooperationagreement_changelist")
        assert client.get(changelist).status_code == 200

        # Releasing one for signature freezes it and queues its PDF: saved, rendered later.
        started = time.monotonic()
        page = client.post(reverse("admin:agreements_submit", args=[agreements[0].pk]), follow=True)
        assert time.monotonic() - started < 10
        assert page.status_code == 200
        assert later in page.content.decode()
        for agreement in agreements[1:]:
            agreement_submit_for_signature(agreement=agreement, user=officer)

        # The batch action: the job page, with the same message.
        started = time.monotonic()
        page = client.post(
            changelist,
            {"action": "render_documents", "_selected_action": [a.pk for a in agreements]},
            follow=True,
        )
        assert time.monotonic() - started < 10
        assert page.status_code == 200
        batch = Job.objects.get(total=3)
        assert page.redirect_chain[-1][0] == reverse("admin:agreements_job", args=[batch.pk])
        assert later in page.content.decode()

    # Nothing is lost: every job waits in the database, no attempt was made, no document exists.
    assert Job.objects.count() == 4
    assert set(Job.objects.values_list("status", flat=True)) == {Job.Status.WAITING}
    assert Job.objects.filter(items__attempts__gt=0).count() == 0
    assert not AgreementDocument.objects.exists()

    # The broker is back (here: tasks run in-process): the command sends the waiting items.
    call_command("resume_jobs", idle_minutes=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert set(Job.objects.values_list("status", flat=True)) == {Job.Status.DONE}
    assert_rendered_exactly_once(batch, agreements)


# --- Without services: what a killed attempt leaves behind --------------------------------------


@pytest.mark.django_db
def test_an_item_that_took_its_worker_down_every_time_is_given_up() -> None:
    """With reject_on_worker_lost a message whose worker died is handed out again; an item that
    kills its worker each time (out of memory, say) would come back forever. After MAX_ATTEMPTS
    starts without an outcome it is recorded as failed, and the job ends."""
    from asskomm.jobs import MAX_ATTEMPTS, job_create, job_item_start

    agreements = make_drafts(2)
    job = job_create(kind="agreement_pdf", title="Test", targets=agreements)
    lost, fine = job.items.all()
    for _ in range(MAX_ATTEMPTS):  # each start counts; the worker dies before the outcome
        assert job_item_start(lost.pk) is not None

    assert job_item_start(lost.pk) is None
    lost.refresh_from_db()
    assert (lost.status, lost.attempts) == (Job.Status.FAILED, MAX_ATTEMPTS)
    assert lost.error == "Der Hintergrunddienst wurde bei jedem Versuch abgebrochen."
    assert job_item_start(fine.pk) is not None  # the other item is not affected
    job.refresh_from_db()
    assert (job.failed, job.completed, job.status) == (1, 0, Job.Status.RUNNING)


@pytest.mark.django_db
def test_a_file_left_by_a_killed_render_is_replaced_not_kept_beside_the_document(
    officer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """A worker killed after writing the PDF but before committing its row leaves a file without
    a document. The next attempt writes the document under the same name: one file."""
    from agreements.services import agreement_render_document

    agreement = make_drafts(1)[0]
    with django_capture_on_commit_callbacks(execute=False):  # freeze only, render below
        agreement_submit_for_signature(agreement=agreement, user=officer)
    agreement.refresh_from_db()
    folder = Path(settings.MEDIA_ROOT) / "agreements" / str(agreement.pk)
    folder.mkdir(parents=True)
    name = agreement.label.replace(" ", "_") + ".pdf"
    (folder / name).write_bytes(b"%PDF-1.7 cut off by SIGKILL")

    document = agreement_render_document(agreement_id=agreement.pk)

    assert [file.name for file in folder.iterdir()] == [name]
    assert document.file.name.endswith("/" + name)
    assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == document.sha256
