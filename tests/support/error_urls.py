"""A URL configuration with one view that fails, for the error-reporting test."""

from django.http import HttpRequest, HttpResponse
from django.urls import path


def failing_view(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("Testfehler für die Fehlermeldung")


urlpatterns = [path("kaputt", failing_view)]
