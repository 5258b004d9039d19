"""Pages of the project itself: the landing page, document verification and the health check."""

import hashlib

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from . import health
from .forms import DocumentCheckForm, FingerprintForm
from .verification import verify as find_document


def home(request: HttpRequest) -> HttpResponse:
    """Landing page: what the portal is, and the way in."""
    return render(request, "home.html")


def _verification_result(request: HttpRequest, fingerprint: str) -> HttpResponse:
    document = find_document(fingerprint)
    context = {
        "fingerprint_form": FingerprintForm(),
        "document_form": DocumentCheckForm(),
        "checked": fingerprint,
        "document": document,
    }
    return render(request, "verify.html", context, status=200 if document else 404)


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Public page: is a printed or uploaded document a genuine document of the portal?"""
    fingerprint_form = FingerprintForm(request.GET or None)
    document_form = DocumentCheckForm()
    if request.method == "POST":
        document_form = DocumentCheckForm(request.POST, request.FILES)
        if document_form.is_valid():
            upload = document_form.cleaned_data["document"]
            if upload.size > settings.ASSKOMM_MAX_UPLOAD_BYTES:
                document_form.add_error(
                    "document",
                    _("The file is too large; at most %(limit)s MB are allowed.")
                    % {"limit": settings.ASSKOMM_MAX_UPLOAD_BYTES // 1_000_000},
                )
            else:
                digest = hashlib.sha256()
                for chunk in upload.chunks():
                    digest.update(chunk)
                return _verification_result(request, digest.hexdigest())
    elif fingerprint_form.is_valid():
        return redirect("verify_fingerprint", fingerprint_form.cleaned_data["fingerprint"])
    return render(
        request,
        "verify.html",
        {"fingerprint_form": fingerprint_form, "document_form": document_form},
        status=400 if request.method == "POST" or request.GET else 200,
    )


def verify_fingerprint(request: HttpRequest, fingerprint: str) -> HttpResponse:
    """The verification result for a fingerprint, as linked from the QR code of a document."""
    return _verification_result(request, fingerprint.lower())


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Readiness and status for monitoring: database, Redis and a worker; 503 if one is down."""
    report = health.readiness()
    return JsonResponse(report, status=200 if report["status"] == health.OK else 503)


@never_cache
def healthz_live(request: HttpRequest) -> JsonResponse:
    """Liveness for the orchestrator: the process answers and the database responds.

    Redis and the workers are left out on purpose: the pages work without them, so their outage
    must not make the orchestrator restart the web container.
    """
    report = health.liveness()
    return JsonResponse(report, status=200 if report["status"] == health.OK else 503)


def bench_hello(request: HttpRequest) -> HttpResponse:
    """A constant answer through the whole middleware stack: the baseline of ``bench/scale.py``.

    Routed only when ``ASSKOMM_BENCH_HELLO`` is on.
    """
    return HttpResponse("hello", content_type="text/plain")
