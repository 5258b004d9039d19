"""WSGI entry point (gunicorn asskomm.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asskomm.settings.prod")

application = get_wsgi_application()
