"""Complete, environment-driven settings for the ASSKomm portal.

Without any environment variable the portal runs embedded: SQLite next to ``manage.py`` and Celery
tasks executed in-process. ``DATABASE_URL`` and ``CELERY_BROKER_URL`` / ``REDIS_URL`` switch to
PostgreSQL and a real broker; every variable is documented in ``.env.example``.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

from asskomm.object_storage import s3_documents

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A local .env (never committed) may hold the variables for a developer's machine.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-embedded-default-only-for-development")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS: list[str] = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS: list[str] = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# Public base URL, used where a link must work outside a request (mails, QR codes in PDFs).
SITE_URL = env("ASSKOMM_SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "asskomm.apps.AsskommAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "django_celery_beat",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "asskomm.apps.AsskommConfig",
    "accounts",
    "municipalities",
    "agreements",
    "funding",
    "analyses",
    "figures",
    "demo",
]

MIDDLEWARE = [
    "asskomm.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "asskomm.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Says so when a job was saved but its broker could not be reached (needs the messages).
    "asskomm.middleware.UnsentJobsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "asskomm.urls"
WSGI_APPLICATION = "asskomm.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "asskomm.context_processors.portal",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the development server and an in-process task read while another writes.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = "PRAGMA journal_mode=WAL;"
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# django-axes first: it refuses a locked-out login before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.PortalBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# German public sector: German UI, Berlin time, German number formatting.
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "/media/"
STORAGES: dict[str, dict[str, object]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Documents (generated PDFs, uploads): "filesystem" under DJANGO_MEDIA_ROOT (several containers
# share it as a volume) or "s3", a bucket of an S3-compatible store (AWS, MinIO, …) through
# django-storages. Documents are always served through the portal's views, never by a bucket URL.
# The backup command covers MEDIA_ROOT only; a bucket is backed up by its own versioning.
ASSKOMM_STORAGE = env.str("ASSKOMM_STORAGE", default="filesystem", choices=("filesystem", "s3"))
if ASSKOMM_STORAGE == "s3":
    STORAGES["default"] = s3_documents(
        bucket=env("AWS_STORAGE_BUCKET_NAME"),
        endpoint_url=env("AWS_S3_ENDPOINT_URL", default="") or None,
        region_name=env("AWS_S3_REGION_NAME", default="") or None,
        # Unset: boto3 finds credentials itself (instance role, ~/.aws).
        access_key=env("AWS_ACCESS_KEY_ID", default="") or None,
        secret_key=env("AWS_SECRET_ACCESS_KEY", default="") or None,
    )

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="ASSKomm-Portal <asskomm@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The LPR office (Geschäftsstelle) that receives notifications from the portal.
ASSKOMM_OFFICE_EMAIL = env("ASSKOMM_OFFICE_EMAIL", default="lpr@localhost")

# Redis serves as Celery broker and as cache when it is configured; without it everything is
# in-process.
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or None)
# No broker: run tasks eagerly in the same process (the embedded default); the in-memory
# transport keeps Celery from ever trying to reach a default AMQP server.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_BROKER_URL = CELERY_BROKER_URL or "memory://localhost/"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# At-least-once delivery: a task is acknowledged only after it ran, and a task whose worker died is
# handed out again. Tasks are therefore written to be idempotent.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task that is running when the connection to Redis drops runs to its end (its outcome is
# recorded in the database); its message comes back after the visibility timeout and finds the
# item finished. (Celery 6 will cancel such tasks by default; said here so it does not change.)
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
# WeasyPrint grows a little with every render; recycling children keeps workers small.
CELERY_WORKER_MAX_TASKS_PER_CHILD = env.int("CELERY_WORKER_MAX_TASKS_PER_CHILD", default=200)
# No task runs longer than this: the soft limit raises inside the task (the item's attempt fails
# and is retried), the hard limit ends the pool process (prefork). The longest task is the yearly
# report (figures.render_yearly_report: figures for many dates, maps, charts, a PDF, CSV and
# XLSX): under 6 s for Saxony in tests/figures/test_report_worker.py, the worker's start
# included; a Lagebericht draft or an agreement PDF takes 1 to 3 s. 10 minutes is far above any
# of them: a limit for a task that hangs, not a budget.
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=600)
CELERY_TASK_TIME_LIMIT = CELERY_TASK_SOFT_TIME_LIMIT + 60
# Redis hands an unacknowledged message to another worker after the visibility timeout. It must
# be longer than a message can stay unacknowledged while its worker is alive, or a task runs twice
# at the same time: with prefetch 1 a message waits at most for the task ahead of it, then runs
# itself, so at most 2 x CELERY_TASK_TIME_LIMIT (22 minutes); a retry's countdown (at most 60 s)
# is held unacknowledged too. 3600 s leaves room. The price: a message whose worker was killed
# (SIGKILL, OOM, power loss) or that a worker had reserved when its connection to Redis broke is
# delivered again only an hour later, when a worker restores unacknowledged messages (at its start
# and then every 10 s); `jobs_resume` (Celery beat) may send it earlier. A graceful stop (SIGTERM)
# gives a worker's messages back at once.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    # kombu looks for such messages only at every 10th 10-second tick; a look is one small query.
    "unacked_restore_throttle": 1,
    "socket_connect_timeout": 2,
}
# A broker that is down must not hold up the page that starts a job: connecting gives up after
# 2 s and publishing after 3 tries (about 3 s in all, immediately if the port is closed); the job
# then stays waiting in the database and is sent by `jobs_resume`.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2
# Send again the items of jobs that lost their messages (the broker was down, Redis lost its
# data): after ASSKOMM_JOB_RESUME_MINUTES without progress, when the queue is empty. Longer than
# a message can legitimately wait (see above), so a job that is merely slow is left alone.
ASSKOMM_JOB_RESUME_MINUTES = env.int("ASSKOMM_JOB_RESUME_MINUTES", default=30)
CELERY_BEAT_SCHEDULE = {
    "resume-stalled-jobs": {"task": "asskomm.resume_jobs", "schedule": 600.0},
    # The stored figures (figures.summary), when a record changed: until then they are counted
    # from the records, exact but slower. Returns at once when nothing changed.
    "rebuild-stored-figures": {"task": "figures.rebuild_stored_figures", "schedule": 60.0},
}
CELERY_RESULT_EXPIRES = 86400
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "asskomm",
            # Redis down: a page waits at most 2 s for the cache, not for the OS's TCP timeout.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# How long the public figures page (/zahlen/) keeps what it computed; 0 switches the cache off.
ASSKOMM_PUBLIC_FIGURES_CACHE_SECONDS = env.int("ASSKOMM_PUBLIC_FIGURES_CACHE_SECONDS", default=300)
# Benchmarks only (bench/scale.py): serve a constant "hello" at /bench/hello as the baseline.
ASSKOMM_BENCH_HELLO = env.bool("ASSKOMM_BENCH_HELLO", default=False)

SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one e-mail address
# from one IP address, that combination is locked for the cool-off time; a successful login resets
# the count. Only failures are recorded (no log of successful logins).
AXES_ENABLED = env.bool("ASSKOMM_LOGIN_THROTTLE", default=True)
AXES_FAILURE_LIMIT = env.int("ASSKOMM_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("ASSKOMM_LOGIN_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The login form's field is called "username" although it holds the e-mail address.
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True
AXES_LOCKOUT_CALLABLE = "accounts.throttling.lockout_response"
AXES_CLIENT_IP_CALLABLE = "accounts.throttling.client_ip"
AXES_USERNAME_CALLABLE = "accounts.throttling.username"
# Reverse proxies in front of the portal that append to X-Forwarded-For (0: use REMOTE_ADDR).
ASSKOMM_TRUSTED_PROXIES = env.int("ASSKOMM_TRUSTED_PROXIES", default=0)

# Staff (LPR roles, anyone with is_staff, superusers) confirm their login with a TOTP code from an
# authenticator app before they reach the admin. On in production, off by default elsewhere.
ASSKOMM_REQUIRE_2FA = env.bool("ASSKOMM_REQUIRE_2FA", default=False)
OTP_TOTP_ISSUER = "ASSKomm-Portal"

# Content Security Policy (django-csp): only the portal's own scripts, styles and images; no inline
# code. data: images are Bootstrap's icons in its stylesheet. Inline style *attributes* are refused
# except the one in django-simple-history's history page (allowed by its hash).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # sha256 of "border-top: 0" (simple_history/object_history_list.html)
        "style-src-attr": [
            "'unsafe-hashes'",
            "'sha256-XMXSevYjgSjXgRafBFDvtjwX+yyWLrxfso9DcNZ9UXM='",
        ],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# What a page may use of the browser: nothing of the listed powerful features.
ASSKOMM_PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), midi=(), payment=(), publickey-credentials-get=(), "
    "screen-wake-lock=(), serial=(), usb=(), xr-spatial-tracking=()"
)
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# How long an invitation link and a password-reset link stay valid.
ASSKOMM_INVITATION_DAYS = env.int("ASSKOMM_INVITATION_DAYS", default=7)
PASSWORD_RESET_TIMEOUT = env.int("DJANGO_PASSWORD_RESET_TIMEOUT", default=24 * 3600)

# Uploaded documents (signed copies, minutes, proofs) may be at most this large.
ASSKOMM_MAX_UPLOAD_BYTES = env.int("ASSKOMM_MAX_UPLOAD_MB", default=20) * 1_000_000

# Demo data with known passwords may only ever be loaded where this is switched on (dev, test).
ASSKOMM_ALLOW_DEMO_DATA = False
# Where seed_demo and the tests look for the official register (Destatis GV100AD).
ASSKOMM_GV100AD = env("ASSKOMM_GV100AD", default="")
ASSKOMM_SHARED_DATA_DIR = env.path(
    "ASSKOMM_SHARED_DATA_DIR", default=BASE_DIR.parent / "shared" / "data"
)

# Log lines on stderr: "plain" text (default here) or "json", one object per line for a log
# collector (asskomm/logformat.py; the default of the production settings). Celery's worker and
# beat use this configuration too (asskomm/celery.py).
DJANGO_LOG_FORMAT = env.str("DJANGO_LOG_FORMAT", default="plain", choices=("plain", "json"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "asskomm.logformat.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": DJANGO_LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

# Error reporting (optional): with SENTRY_DSN, unhandled errors of the web and of Celery tasks go
# to Sentry or a compatible service (asskomm/error_reporting.py), without personal data.
SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    from asskomm.error_reporting import init_error_reporting

    init_error_reporting(
        dsn=SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", default="production"),
        release=env("SENTRY_RELEASE", default=""),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )
