"""URL root: puts the apps together."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("pruefen/", views.verify, name="verify"),
    re_path(
        r"^pruefen/(?P<fingerprint>[0-9a-fA-F]{16,64})/$",
        views.verify_fingerprint,
        name="verify_fingerprint",
    ),
    path("", include("accounts.urls")),
    path("", include("agreements.urls")),
    path("", include("funding.urls")),
    path("", include("analyses.urls")),
    path("kommune/", include("municipalities.urls")),
    path("", include("figures.urls")),
    path("admin/", admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
    path("healthz/live", views.healthz_live, name="healthz_live"),
]

if settings.ASSKOMM_BENCH_HELLO:
    urlpatterns.append(path("bench/hello", views.bench_hello, name="bench_hello"))
