"""Optional error reporting to Sentry (or a compatible service such as GlitchTip).

Switched on by ``SENTRY_DSN`` alone (see ``settings/base.py``): unhandled errors of views and
Celery tasks are sent with their traceback, without personal data (``send_default_pii`` off: no
user, no IP address, no cookies). Without the variable nothing is initialised.
"""

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration


def init_error_reporting(
    *, dsn: str, environment: str, release: str | None, traces_sample_rate: float
) -> None:
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        traces_sample_rate=traces_sample_rate,
    )
