"""Test settings: the embedded default unless DATABASE_URL / REDIS_URL point to real services."""

import tempfile

from .base import *  # noqa: F403
from .base import env

DEBUG = False
ASSKOMM_ALLOW_DEMO_DATA = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = env("DJANGO_MEDIA_ROOT", default=tempfile.mkdtemp(prefix="asskomm-test-media-"))
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
# Tests run tasks in-process; a test that starts a real worker turns this off for that worker.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Tests see every record at once; the test of the cache switches it on.
ASSKOMM_PUBLIC_FIGURES_CACHE_SECONDS = 0
LOGGING = {**LOGGING, "root": {"handlers": ["console"], "level": "WARNING"}}  # noqa: F405
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT = tempfile.mkdtemp(prefix="asskomm-test-static-")
# Tests log in with client.force_login (no request for django-axes); the throttling tests switch
# it on with override_settings.
AXES_ENABLED = False
