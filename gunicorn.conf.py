"""Gunicorn reads this file from its working directory (the image's /app, the checkout).

With JSON logs (``DJANGO_LOG_FORMAT=json``, the default of the production settings) gunicorn's
own messages and its access log become JSON lines like the portal's (``asskomm/logformat.py``):
one stream for the log collector, with method, path, status, duration and the proxy's
``X-Request-ID`` for every request. With plain logs gunicorn keeps its usual format.
"""

import os


def _log_format() -> str:
    production = os.environ.get("DJANGO_SETTINGS_MODULE", "").endswith(".prod")
    return os.environ.get("DJANGO_LOG_FORMAT", "json" if production else "plain")


if _log_format() == "json":
    _json_console = {
        "class": "logging.StreamHandler",
        "formatter": "json",
        "stream": "ext://sys.stderr",
    }
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "asskomm.logformat.JsonFormatter"}},
        "handlers": {"console": _json_console},
        "root": {"level": "INFO", "handlers": ["console"]},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["console"], "propagate": False},
            "gunicorn.access": {"level": "INFO", "handlers": ["console"], "propagate": False},
        },
    }
