"""Middleware of the project."""

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from .jobs import collect_unsent_tasks
from .views import healthz, healthz_live


class HealthCheckMiddleware:
    """Answer ``/healthz`` and ``/healthz/live`` before host validation and HTTPS redirects.

    The orchestrator probes the container by its internal address, which is rightly not among
    ``ALLOWED_HOSTS``; the answer reveals nothing but whether the database, Redis and the workers
    respond (``asskomm/health.py``).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in ("GET", "HEAD"):
            if request.path == "/healthz":
                return healthz(request)
            if request.path == "/healthz/live":
                return healthz_live(request)
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """Send ``Permissions-Policy`` (``ASSKOMM_PERMISSIONS_POLICY``): no camera, microphone, ….

    Django's SecurityMiddleware covers HSTS, nosniff, Referrer-Policy and
    Cross-Origin-Opener-Policy, django-csp the Content-Security-Policy; this header is the one
    neither sets.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = getattr(settings, "ASSKOMM_PERMISSIONS_POLICY", "")
        if policy and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = policy
        return response


class UnsentJobsMiddleware:
    """Tell the user when a job started by this request could not be handed to the worker.

    The job is saved with its items waiting; it starts when the broker is back (``jobs_resume``).
    Sits after ``MessageMiddleware``, so the message reaches the next page (after a redirect).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with collect_unsent_tasks() as unsent:
            response = self.get_response(request)
        if unsent and hasattr(request, "_messages"):
            messages.warning(
                request,
                _(
                    "The job was saved but could not be started now: the background service "
                    "cannot be reached. It will be started again automatically as soon as the "
                    "service is available; nothing has to be entered again."
                ),
            )
        return response
