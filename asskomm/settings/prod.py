"""Production: base settings plus the security toggles; refuses to start without its secrets."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY or SECRET_KEY.startswith("insecure"):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set to a long random value in production."
    )
if not env.list("DJANGO_ALLOWED_HOSTS", default=[]):
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS must name the host(s) the portal is served on."
    )
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
# Each worker keeps its database connection between requests: opening one per request costs more
# than a small page (bench/load.py: /healthz 15-30 ms with a new connection, 2 ms with a kept one).
# Checked before reuse, so a restarted PostgreSQL costs a reconnect, not an error.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
ASSKOMM_ALLOW_DEMO_DATA = False
# Staff confirm every login with a TOTP code (ASSKOMM_REQUIRE_2FA=false only for an emergency).
ASSKOMM_REQUIRE_2FA = env.bool("ASSKOMM_REQUIRE_2FA", default=True)
# One JSON object per log line for the log collector (DJANGO_LOG_FORMAT=plain for text).
DJANGO_LOG_FORMAT = env.str("DJANGO_LOG_FORMAT", default="json", choices=("plain", "json"))
LOGGING["handlers"] = {  # noqa: F405
    "console": {"class": "logging.StreamHandler", "formatter": DJANGO_LOG_FORMAT}
}
