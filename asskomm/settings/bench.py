"""Load test (``bench/load.py``): production behaviour on a loopback port, with the demo data.

Like production: ``DEBUG`` off, the real password hasher, sessions in the database, WhiteNoise
serving static files from memory, Redis as cache when ``REDIS_URL`` is set. Unlike production:
plain HTTP on 127.0.0.1 (no HTTPS redirect, no secure cookies, no ``__Host-`` names), demo data
allowed (the virtual users log in with the demo password), static files from the source folders
(no collectstatic), and tasks run in-process (the seed renders the demo PDFs itself).
"""

import warnings

from .base import *  # noqa: F403
from .base import env

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ASSKOMM_ALLOW_DEMO_DATA = True
CELERY_TASK_ALWAYS_EAGER = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# As in production (prod.py): connections kept between requests, checked before reuse.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = False
warnings.filterwarnings("ignore", message="No directory at", module="whitenoise.base")
if REDIS_URL:  # noqa: F405
    CACHES["default"]["KEY_PREFIX"] = "asskomm-bench"  # noqa: F405
