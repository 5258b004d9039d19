"""Benchmark: the agreement PDF pipeline against bare WeasyPrint, and worker scaling 1 → 2.

Prints one JSON object. Ratios are taken within this run, on this machine:

- ``pipeline_vs_bare``: median time of the whole pipeline (database, template, PDF, signature
  fields, fingerprint, storage) divided by the median time of WeasyPrint rendering the same HTML
  alone, in the same process. Target: at most 1.15.
- ``worker_speedup``: time for 50 agreements with one worker process divided by the time with
  two (prefork, concurrency 2), through Redis. Target: at least 1.7 on two cores. Needs
  ``REDIS_URL``; the database is a temporary SQLite file unless ``DATABASE_URL`` names PostgreSQL.

Run it with ``make bench``. It stops by itself.
"""

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "asskomm.settings.test"
MEDIA = tempfile.mkdtemp(prefix="asskomm-bench-media-")
os.environ["DJANGO_MEDIA_ROOT"] = MEDIA
SQLITE_FILE = Path(tempfile.gettempdir()) / f"asskomm-bench-{uuid.uuid4().hex[:6]}.sqlite3"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

if connection.vendor == "sqlite":
    connection.settings_dict["TEST"]["NAME"] = str(SQLITE_FILE)

RUNS = int(os.environ.get("BENCH_RUNS", "15"))
AGREEMENTS_FOR_SCALING = int(os.environ.get("BENCH_AGREEMENTS", "50"))


def make_agreements(count: int) -> list:
    from accounts.models import User
    from agreements.models import CooperationAgreement, Signatory
    from municipalities.models import Contact, District, Municipality, PoliceDirectorate

    user = User.objects.create_user("bench@example.org")
    district = District.objects.create(
        key="14628",
        name="Landkreis Sächsische Schweiz-Osterzgebirge",
        kind="landkreis",
        police_directorate=PoliceDirectorate.objects.get(code="dresden"),
    )
    contact = Contact.objects.create(first_name="Torsten", last_name="Kosuch", function="Referent")
    agreements = []
    for number in range(count):
        municipality = Municipality.objects.create(
            ags=f"14628{number:03d}",
            name=f"Gemeinde Nr. {number}",
            official_name="x",
            kind="grosse_kreisstadt",
            district=district,
        )
        agreement = CooperationAgreement.objects.create(
            lpr_contact=contact,
            signing_place="Dippoldiswalde",
            planned_on="2021-11-09",
            guests_of_honour="Staatsminister Prof. Dr. Roland Wöller",
        )
        agreement.municipalities.set([municipality])
        for position, (party, name, function) in enumerate(
            [
                ("kommune", "Kerstin Körner", "Oberbürgermeisterin"),
                ("polizeidirektion", "Peter Langer", "Leitender Polizeidirektor"),
                ("lpr", "Sven Forkert", "Geschäftsführer des Landespräventionsrates Sachsen"),
            ],
            start=1,
        ):
            Signatory.objects.create(
                agreement=agreement,
                party=party,
                person_name=name,
                function=function,
                position=position,
            )
        agreements.append(agreement)
    return agreements, user


def freeze(agreements: list, user: object) -> None:
    """Release for signature without rendering: the queued renders go to a queue nobody reads."""
    from agreements.services import agreement_submit_for_signature
    from asskomm.celery import app

    eager, queue = app.conf.task_always_eager, app.conf.task_default_queue
    app.conf.task_always_eager = not settings.REDIS_URL
    app.conf.task_default_queue = "asskomm-bench-discard"
    try:
        for agreement in agreements:
            if settings.REDIS_URL:
                agreement_submit_for_signature(agreement=agreement, user=user)
            else:
                _freeze_without_queue(agreement, user)
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = eager, queue
        if settings.REDIS_URL:
            app.control.purge()


def _freeze_without_queue(agreement: object, user: object) -> None:
    from unittest import mock

    from agreements import services

    with mock.patch.object(services, "agreement_queue_documents"):
        services.agreement_submit_for_signature(agreement=agreement, user=user)


def forget_documents() -> None:
    from agreements.models import AgreementDocument

    AgreementDocument.objects.all().delete()
    shutil.rmtree(Path(MEDIA) / "agreements", ignore_errors=True)


def pipeline_vs_bare(agreement: object) -> dict:
    # The very HTML the pipeline renders (QR code included), with static files read from disk by
    # WeasyPrint's own fetcher.
    import segno
    import weasyprint
    from django.template.loader import render_to_string

    from agreements.services import agreement_render_document, build_agreement_pdf, verification_url
    from asskomm.pdf import STATIC_ORIGIN

    url = verification_url(agreement.content_fingerprint)
    html = render_to_string(
        "agreements/pdf/agreement.html",
        {
            "agreement": agreement.frozen_content,
            "fingerprint": agreement.content_fingerprint,
            "short_fingerprint": agreement.content_fingerprint[:16],
            "verification_url": url,
            "qr_svg": segno.make(url, error="m", micro=False).svg_inline(scale=2, border=0),
            "STATIC_ORIGIN": STATIC_ORIGIN,
        },
    ).replace(f"{STATIC_ORIGIN}/static/", (ROOT / "static").as_uri() + "/")
    assert build_agreement_pdf  # the pipeline below goes through it

    def bare() -> None:
        weasyprint.HTML(string=html, base_url=(ROOT / "static").as_uri() + "/").write_pdf()

    def pipeline() -> None:
        forget_documents()
        agreement_render_document(agreement_id=agreement.pk)

    for _ in range(2):  # warm up fonts, caches, imports
        bare()
        pipeline()
    bare_times, pipeline_times = [], []
    for _ in range(RUNS):
        start = time.perf_counter()
        bare()
        bare_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        pipeline()
        pipeline_times.append(time.perf_counter() - start)
    return {
        "bare_weasyprint_median_s": round(statistics.median(bare_times), 4),
        "pipeline_median_s": round(statistics.median(pipeline_times), 4),
        "pipeline_vs_bare": round(
            statistics.median(pipeline_times) / statistics.median(bare_times), 3
        ),
        "runs": RUNS,
        "target_pipeline_vs_bare_max": 1.15,
    }


def worker_scaling(agreements: list, user: object) -> dict:
    from agreements.services import agreement_queue_documents
    from asskomm.celery import app
    from asskomm.models import Job

    if not settings.REDIS_URL:
        return {"worker_scaling": "skipped: set REDIS_URL to run workers"}
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
        host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        database_url = f"postgres://{credentials}@{host}/{db['NAME']}"
    else:
        database_url = f"sqlite:///{db['NAME']}"

    def run(concurrency: int) -> float:
        forget_documents()
        queue = f"asskomm-bench-{uuid.uuid4().hex[:6]}"
        env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_MEDIA_ROOT": MEDIA}
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "asskomm",
                "worker",
                "--pool",
                "prefork",
                "--concurrency",
                str(concurrency),
                "--queues",
                queue,
                "--hostname",
                f"{queue}@%h",
                "--without-gossip",
                "--without-mingle",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 60
            while not app.control.ping(destination=[f"{queue}@{os.uname().nodename}"], timeout=1):
                if time.monotonic() > deadline:
                    raise RuntimeError("worker did not start")
            app.conf.task_always_eager, app.conf.task_default_queue = False, queue
            # Warm every child (fonts, first-render caches) before the clock starts.
            warm = agreement_queue_documents(agreements=agreements[: 2 * concurrency], user=user)
            while not Job.objects.get(pk=warm.pk).is_finished:
                time.sleep(0.1)
            forget_documents()
            start = time.perf_counter()
            job = agreement_queue_documents(agreements=agreements, user=user)
            deadline = time.monotonic() + 600
            while not Job.objects.get(pk=job.pk).is_finished:
                if time.monotonic() > deadline:
                    raise RuntimeError("renders did not finish within 10 minutes")
                time.sleep(0.1)
            elapsed = time.perf_counter() - start
            if Job.objects.get(pk=job.pk).failed:
                raise RuntimeError(
                    "renders failed: "
                    + "; ".join(job.items.exclude(error="").values_list("error", flat=True)[:3])
                )
            return elapsed
        finally:
            app.conf.task_always_eager = True
            worker.terminate()
            worker.wait(timeout=60)

    one = run(1)
    two = run(2)
    return {
        "agreements": len(agreements),
        "one_worker_s": round(one, 2),
        "two_workers_s": round(two, 2),
        "docs_per_s_one": round(len(agreements) / one, 2),
        "docs_per_s_two": round(len(agreements) / two, 2),
        "worker_speedup": round(one / two, 3),
        "cores": os.cpu_count(),
        "target_worker_speedup_min": 1.7,
    }


def main() -> None:
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        agreements, user = make_agreements(AGREEMENTS_FOR_SCALING)
        freeze(agreements, user)
        for agreement in agreements:
            agreement.refresh_from_db()
        result = {"benchmark": "agreement_pdf", "database": connection.vendor}
        result.update(pipeline_vs_bare(agreements[0]))
        result.update(worker_scaling(agreements, user))
        print(json.dumps(result, indent=2))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        shutil.rmtree(MEDIA, ignore_errors=True)
        SQLITE_FILE.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
