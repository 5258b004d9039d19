"""Every URL of the site, requested in every role: the answer each role must get.

The tables below hold one row per URL pattern of the resolver (admin included) and one column per
role. A pattern without a row fails ``test_every_url_is_in_the_table``: nothing can be added
without deciding who may see it. The URLs are filled with the objects of municipality A (its
agreement, application, decision, analysis, council, contact …); coordinator B must not reach
them. For each cell that refuses the GET, a POST is refused the same way and writes nothing.

Answers: a status code, ``L`` (redirect to the login page, /anmelden/?next=<the URL>) or ``A``
(redirect to the admin's login, /admin/login/?next=<the URL>, which sends on to /anmelden/; the
admin does this for anonymous users and for logged-in users who are not staff). ``302`` is any
other redirect.

The world is built once for the module inside a transaction that is rolled back at the end; each
test runs in a savepoint of it. The portal's object-level scoping (one's own AGS with another
municipality's object) is tested in ``tests/portal/test_scoping.py``.
"""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Model
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Invitation
from accounts.roles import Role
from accounts.services import invitation_create
from agreements.models import CoachingProcess, CoachingSession
from analyses.models import (
    ITEM_CHOICES,
    OFFENCE_CHOICES,
    AreaPopulation,
    CrimeFigure,
    DataImport,
    ReportDraft,
    SurveyBenchmark,
)
from asskomm.models import Job, JobItem
from figures.models import BoundaryImport, TrainingCohort, YearlyReport
from funding.models import PayGroupCap, Payment
from municipalities.models import (
    AdministrativeAssociation,
    PoliceDirectorate,
    RegisterImport,
    Topic,
)

from ..factories import ConsultationFactory, ContactFactory, UserFactory
from ..portal.conftest import Place, make_place

pytestmark = pytest.mark.django_db

ROLES = (
    "anonymous",
    "coordinator A",
    "coordinator B",
    "coach",
    "police",
    "LPR-Referent",
    "LPR-Verwaltung",
)
L = "login"
A = "admin login"
Answer = int | str
Row = tuple[Answer, Answer, Answer, Answer, Answer, Answer, Answer]

# fmt: off
# Pages outside the admin. Columns: anonymous, coordinator of A, coordinator of B, coach, police,
# LPR-Referent, LPR-Verwaltung.
MATRIX: dict[str, Row] = {
    #                                   anon   A      B      coach  police Ref.   Verw.
    # Public pages and logging in
    "healthz":                          (200,  200,  200,  200,  200,  200,  200),
    "healthz_live":                     (200,  200,  200,  200,  200,  200,  200),
    "home":                             (200,  200,  200,  200,  200,  200,  200),
    "invitation_accept":                (200,  200,  200,  200,  200,  200,  200),
    "login":                            (200,  200,  200,  200,  200,  200,  200),
    "logout":                           (405,  405,  405,  405,  405,  405,  405),
    "password_reset":                   (200,  200,  200,  200,  200,  200,  200),
    "password_reset_complete":          (200,  200,  200,  200,  200,  200,  200),
    "password_reset_confirm":           (200,  200,  200,  200,  200,  200,  200),
    "password_reset_done":              (200,  200,  200,  200,  200,  200,  200),
    "two_factor_setup":                 (L,    403,  403,  403,  403,  200,  302),
    "two_factor_verify":                (L,    403,  403,  403,  403,  302,  200),
    "verify":                           (200,  200,  200,  200,  200,  200,  200),
    "verify_fingerprint":               (200,  200,  200,  200,  200,  200,  200),
    # The coordinators' portal
    "portal:council":                   (L,    200,  404,  403,  403,  403,  403),
    "portal:council_edit":              (L,    200,  404,  403,  403,  403,  403),
    "portal:council_new":               (L,    405,  404,  403,  403,  403,  403),
    "portal:documents":                 (L,    200,  404,  403,  403,  403,  403),
    "portal:entry":                     (L,    302,  302,  403,  403,  403,  403),
    "portal:meeting_edit":              (L,    200,  404,  403,  403,  403,  403),
    "portal:meeting_minutes":           (L,    200,  404,  403,  403,  403,  403),
    "portal:meeting_new":               (L,    200,  404,  403,  403,  403,  403),
    "portal:municipality_data":         (L,    200,  404,  403,  403,  403,  403),
    "portal:request_new":               (L,    200,  404,  403,  403,  403,  403),
    "portal:requests":                  (L,    200,  404,  403,  403,  403,  403),
    "portal:start":                     (L,    200,  404,  403,  403,  403,  403),
    # Funding in the portal
    "funding:application":              (L,    200,  404,  403,  403,  403,  403),
    "funding:applications":             (L,    200,  404,  403,  403,  403,  403),
    "funding:attachment":               (L,    200,  404,  403,  403,  403,  403),
    "funding:letter":                   (L,    200,  404,  403,  403,  403,  403),
    "funding:plan_check":               (L,    405,  404,  403,  403,  403,  403),
    "funding:proof":                    (L,    200,  404,  403,  403,  403,  403),
    "funding:step":                     (L,    200,  404,  403,  403,  403,  403),
    "funding:submit":                   (L,    405,  404,  403,  403,  403,  403),
    "funding:withdraw":                 (L,    405,  404,  403,  403,  403,  403),
    # Security analyses in the portal
    "analyses:analysis":                (L,    200,  404,  403,  403,  403,  403),
    "analyses:list":                    (L,    200,  404,  403,  403,  403,  403),
    "analyses:report":                  (L,    200,  404,  403,  403,  403,  403),
    "analyses:tick":                    (L,    405,  404,  403,  403,  403,  403),
    # Agreements in the portal and the coach's pages
    "agreements:coach_process_detail":  (L,    403,  403,  200,  403,  403,  403),
    "agreements:coach_process_edit":    (L,    403,  403,  200,  403,  403,  403),
    "agreements:coach_process_list":    (L,    403,  403,  200,  403,  403,  403),
    "agreements:coach_session_create":  (L,    403,  403,  200,  403,  403,  403),
    "agreements:coach_session_edit":    (L,    403,  403,  200,  403,  403,  403),
    "agreements:coordinator_document":  (L,    200,  404,  403,  403,  403,  403),
    # Figures
    "figures:dashboard":                (A,    A,    A,    A,    A,    200,  200),
    "figures:dashboard_geojson":        (A,    A,    A,    A,    A,    200,  200),
    "figures:dashboard_municipalities": (A,    A,    A,    A,    A,    200,  200),
    "figures:dashboard_municipalities_csv": (A, A,   A,    A,    A,    200,  200),
    "figures:public":                   (200,  200,  200,  200,  200,  200,  200),
    "figures:public_geojson":           (200,  200,  200,  200,  200,  200,  200),
    "figures:public_municipalities":    (200,  200,  200,  200,  200,  200,  200),
}

# The admin's own pages and the custom views of the ModelAdmins. Non-staff users (coordinators,
# coaches, the police) are sent to the admin's login like anonymous users; staff without the
# permission get 403.
ADMIN_MATRIX: dict[str, Row] = {
    #                                      anon   A      B      coach  police Ref.   Verw.
    "admin/(?P<url>.*)$":                  (A,    A,    A,    A,    A,    404,  404),
    "admin:agreements_document_download":  (A,    A,    A,    A,    A,    200,  200),
    "admin:agreements_job":                (A,    A,    A,    A,    A,    200,  200),
    "admin:agreements_job_progress":       (A,    A,    A,    A,    A,    200,  200),
    "admin:agreements_job_zip":            (A,    A,    A,    A,    A,    200,  200),
    "admin:agreements_new_version":        (A,    A,    A,    A,    A,    302,  302),
    "admin:agreements_sign":               (A,    A,    A,    A,    A,    302,  302),
    "admin:agreements_submit":             (A,    A,    A,    A,    A,    302,  302),
    "admin:agreements_terminate":          (A,    A,    A,    A,    A,    302,  302),
    "admin:analyses_advance":              (A,    A,    A,    A,    A,    302,  302),
    "admin:analyses_areapopulation_import":(A,    A,    A,    A,    A,    200,  200),
    "admin:analyses_crimefigure_import":   (A,    A,    A,    A,    A,    200,  200),
    "admin:analyses_draft":                (A,    A,    A,    A,    A,    302,  302),
    "admin:analyses_draft_download":       (A,    A,    A,    A,    A,    200,  200),
    "admin:analyses_final_report":         (A,    A,    A,    A,    A,    200,  200),
    "admin:analyses_progress":             (A,    A,    A,    A,    A,    200,  200),
    "admin:analyses_report_upload":        (A,    A,    A,    A,    A,    302,  302),
    "admin:analyses_survey_import":        (A,    A,    A,    A,    A,    302,  302),
    "admin:app_list":                      (A,    A,    A,    A,    A,    200,  200),
    "admin:auth_user_password_change":     (A,    A,    A,    A,    A,    403,  200),
    "admin:autocomplete":                  (A,    A,    A,    A,    A,    200,  200),
    "admin:figures_yearlyreport_file":     (A,    A,    A,    A,    A,    200,  200),
    "admin:figures_yearlyreport_progress": (A,    A,    A,    A,    A,    200,  200),
    "admin:figures_yearlyreport_start":    (A,    A,    A,    A,    A,    200,  200),
    "admin:funding_accept_late":           (A,    A,    A,    A,    A,    302,  302),
    "admin:funding_amend":                 (A,    A,    A,    A,    A,    302,  302),
    "admin:funding_approve":               (A,    A,    A,    A,    A,    302,  302),
    "admin:funding_arithmetic_check":      (A,    A,    A,    A,    A,    302,  302),
    "admin:funding_attachment_download":   (A,    A,    A,    A,    A,    200,  200),
    "admin:funding_export":                (A,    A,    A,    A,    A,    200,  200),
    "admin:funding_factual_check":         (A,    A,    A,    A,    A,    302,  302),
    "admin:funding_letter_download":       (A,    A,    A,    A,    A,    200,  200),
    "admin:funding_payment":               (A,    A,    A,    A,    A,    302,  302),
    "admin:funding_proof_review":          (A,    A,    A,    A,    A,    302,  302),
    "admin:funding_reject":                (A,    A,    A,    A,    A,    302,  302),
    "admin:funding_start_review":          (A,    A,    A,    A,    A,    302,  302),
    "admin:funding_withdraw":              (A,    A,    A,    A,    A,    302,  302),
    "admin:index":                         (A,    A,    A,    A,    A,    200,  200),
    "admin:jsi18n":                        (A,    A,    A,    A,    A,    200,  200),
    "admin:login":                         (302,  302,  302,  302,  302,  302,  302),
    "admin:logout":                        (302,  302,  302,  302,  302,  405,  405),
    "admin:municipalities_invite":         (A,    A,    A,    A,    A,    200,  200),
    "admin:otp_totp_totpdevice_config":    (A,    A,    A,    A,    A,    403,  403),
    "admin:otp_totp_totpdevice_qrcode":    (A,    A,    A,    A,    A,    403,  403),
    "admin:password_change":               (A,    A,    A,    A,    A,    200,  200),
    "admin:password_change_done":          (A,    A,    A,    A,    A,    200,  200),
    "admin:view_on_site":                  (A,    A,    A,    A,    A,    404,  404),
}

# The standard pages of each ModelAdmin: ``admin:<app>_<model>_<view>``, and the unnamed
# ``<object_id>/`` (a redirect to the change page) under its route. The LPR-Referent may not
# delete; records of the programme (municipalities, agreements, applications, decisions …) may not
# be deleted by anybody.
MODEL_ADMIN_MATRIX: dict[str, dict[str, Row]] = {
    #                             anon   A      B      coach  police Ref.   Verw.
    # The roles: declared in accounts/roles.py, only shown in the admin.
    "auth.group": {
        "changelist":         (A,    A,    A,    A,    A,    403,  200),
        "add":                (A,    A,    A,    A,    A,    403,  403),
        "change":             (A,    A,    A,    A,    A,    403,  200),
        "history":            (A,    A,    A,    A,    A,    403,  200),
        "delete":             (A,    A,    A,    A,    A,    403,  403),
        "<path:object_id>/":  (A,    A,    A,    A,    A,    302,  302),
    },
    "django_celery_beat.periodictask": {
        "changelist":         (A,    A,    A,    A,    A,    403,  200),
        "add":                (A,    A,    A,    A,    A,    403,  200),
        "change":             (A,    A,    A,    A,    A,    403,  200),
        "history":            (A,    A,    A,    A,    A,    403,  200),
        "delete":             (A,    A,    A,    A,    A,    403,  200),
        "<path:object_id>/":  (A,    A,    A,    A,    A,    302,  302),
    },
    "django_celery_beat.clockedschedule": {
        "changelist":         (A,    A,    A,    A,    A,    403,  200),
        "add":                (A,    A,    A,    A,    A,    403,  200),
        "change":             (A,    A,    A,    A,    A,    403,  200),
        "history":            (A,    A,    A,    A,    A,    403,  200),
        "delete":             (A,    A,    A,    A,    A,    403,  200),
        "<path:object_id>/":  (A,    A,    A,    A,    A,    302,  302),
    },
    "django_celery_beat.crontabschedule": {
        "changelist":         (A,    A,    A,    A,    A,    403,  200),
        "add":                (A,    A,    A,    A,    A,    403,  200),
        "change":             (A,    A,    A,    A,    A,    403,  200),
        "history":            (A,    A,    A,    A,    A,    403,  200),
        "delete":             (A,    A,    A,    A,    A,    403,  200),
        "<path:object_id>/":  (A,    A,    A,    A,    A,    302,  302),
    },
    "django_celery_beat.solarschedule": {
        "changelist":         (A,    A,    A,    A,    A,    403,  200),
        "add":                (A,    A,    A,    A,    A,    403,  200),
        "change":             (A,    A,    A,    A,    A,    403,  200),
        "history":            (A,    A,    A,    A,    A,    403,  200),
        "delete":             (A,    A,    A,    A,    A,    403,  200),
        "<path:object_id>/":  (A,    A,    A,    A,    A,    302,  302),
    },
    "django_celery_beat.intervalschedule": {
        "changelist":         (A,    A,    A,    A,    A,    403,  200),
        "add":                (A,    A,    A,    A,    A,    403,  200),
        "change":             (A,    A,    A,    A,    A,    403,  200),
        "history":            (A,    A,    A,    A,    A,    403,  200),
        "delete":             (A,    A,    A,    A,    A,    403,  200),
        "<path:object_id>/":  (A,    A,    A,    A,    A,    302,  302),
    },
    "axes.accessattempt": {
        "changelist":         (A,    A,    A,    A,    A,    403,  403),
        "add":                (A,    A,    A,    A,    A,    403,  403),
        "change":             (A,    A,    A,    A,    A,    403,  403),
        "history":            (A,    A,    A,    A,    A,    403,  403),
        "delete":             (A,    A,    A,    A,    A,    403,  403),
        "<path:object_id>/":  (A,    A,    A,    A,    A,    302,  302),
    },
    "axes.accesslog": {
        "changelist":         (A,    A,    A,    A,    A,    403,  403),
        "add":                (A,    A,    A,    A,    A,    403,  403),
        "change":             (A,    A,    A,    A,    A,    403,  403),
        "history":            (A,    A,    A,    A,    A,    403,  403),
        "delete":             (A,    A,    A,    A,    A,    403,  403),
        "<path:object_id>/":  (A,    A,    A,    A,    A,    302,  302),
    },
    "axes.accessfailurelog": {
        "changelist":         (A,    A,    A,    A,    A,    403,  403),
        "add":                (A,    A,    A,    A,    A,    403,  403),
        "change":             (A,    A,    A,    A,    A,    403,  403),
        "history":            (A,    A,    A,    A,    A,    403,  403),
        "delete":             (A,    A,    A,    A,    A,    403,  403),
        "<path:object_id>/":  (A,    A,    A,    A,    A,    302,  302),
    },
    "otp_totp.totpdevice": {
        "changelist":         (A,    A,    A,    A,    A,    403,  403),
        "add":                (A,    A,    A,    A,    A,    403,  403),
        "change":             (A,    A,    A,    A,    A,    403,  403),
        "history":            (A,    A,    A,    A,    A,    403,  403),
        "delete":             (A,    A,    A,    A,    A,    403,  403),
        "<path:object_id>/":  (A,    A,    A,    A,    A,    302,  302),
    },
    "accounts.user": {
        "changelist":         (A,    A,    A,    A,    A,    200,  200),
        "add":                (A,    A,    A,    A,    A,    403,  200),
        "change":             (A,    A,    A,    A,    A,    200,  200),
        "history":            (A,    A,    A,    A,    A,    200,  200),
        "simple_history":     (A,    A,    A,    A,    A,    200,  200),
        "delete":             (A,    A,    A,    A,    A,    403,  403),
        "<path:object_id>/":  (A,    A,    A,    A,    A,    302,  302),
    },
    "accounts.invitation": {
        "changelist":         (A,    A,    A,    A,    A,    403,  200),
        "add":                (A,    A,    A,    A,    A,    403,  403),
        "change":             (A,    A,    A,    A,    A,    403,  200),
        "history":            (A,    A,    A,    A,    A,    403,  200),
        "simple_history":     (A,    A,    A,    A,    A,    403,  200),
        "delete":             (A,    A,    A,    A,    A,    403,  200),
        "<path:object_id>/":  (A,    A,    A,    A,    A,    302,  302),
    },
    "municipalities.municipality": {
        "changelist":         (A,    A,    A,    A,    A,    200,  200),
        "add":                (A,    A,    A,    A,    A,    200,  200),
        "change":             (A,    A,    A,    A,    A,    200,  200),
        "history":            (A,    A,    A,    A,    A,    200,  200),
        "simple_history":     (A,    A,    A,    A,    A,    200,  200),
        "delete":             (A,    A,    A,    A,    A,    403,  403),
        "<path:object_id>/":  (A,    A,    A,    A,    A,    302,  302),
    },
    "municipalities.consultation": {
        "changelist":         (A,    A,    A,    A,    A,    200,  200),
        "add":                (A,    A,    A,    A,    A,    200,  200),
        "change":             (A,    A,    A,    A,    A,    200,  200),
        "history":            (A,    A,    A,    A,    A,    200,  200),
        "simple_history":     (A,    A,    A,    A,    A,    200,  200),
        "delete":             (A,    A,    A,    A,    A,    403,  200),
        "<path:object_id>/":  (A,    A,    A,    A,    A,    302,  302),
    },
    "municipalities.preventioncouncil": {
        "changelist":         (A,    A,    A,    A,    A,    200,  200),
        "add":                (A,    A,    A,    A,    A,    200,  200),
        "change":             (A,    A,    A,    A,    A,    200,  200),
        "history":            (A,    A,    A,    A,    A,    200,  200),
        "simple_history":     (A,    A,    A,    A,    A,    200,  200),
        "delete":             (A,    A,    A,    A,    A,    403,  200),
        "<path:object_id>/":  (A,    A,    A,    A,    A,    302,  302),
    },
    "municipalities.contact": {
        "changelist":         (A,    A,    A,    A,    A,    200,  200),
        "add":                (A,    A,    A,    A,    A,    200,  200),
        "change":             (A,    A,    A,    A,    A,    200,  200),
        "history":            (A,    A,    A,    A,    A,    200,  200),
        "simple_history":     (A,    A,    A,    A,    A,    200,  200),
        "delete":             (A,    A,    A,    A,    A,    403,  200),
        "<path:object_id>/":  (A,    A,    A,    A,    A,    302,  302),
    },
    "municipalities.district": {
        "changelist":         (A,    A,    A,    A,    A,    200,  200),
        "add":                (A,    A,    A,    A,    A,    200,  200),
        "change":             (A,    A,    A,    A,    A,    200,  200),
        "history":            (A,    A,    A,    A,    A,    200,  200),
        "simple_history":     (A,    A,    A,    A,    A,    200,  200),
        "delete":             (A,    A,    A,    A,    A,    403,  403),
        "<path:object_id>/":  (A,    A,    A,    A,    A,    302,  302),
    },
    "municipalities.administrativeassociation": {
        "changelist":         (A,    A,    A,    A,    A,    200,  200),
        "add":                (A,    A,    A,    A,    A,    200,  200),
        "change":             (A,    A,    A,    A,    A,    200,  200),
        "history":            (A,    A,    A,    A,    A,    200,  200),
        "simple_history":     (A,    A,    A,    A,    A,    200,  200),
        "delete":             (A,    A,    A,    A,    A,    403,  403),
        "<path:object_id>/":  (A,    A,    A,    A,    A,    302,  302),
    },
    "municipalities.policedirectorate": {
        "changelist":         (A,    A,    A,    A,    A,    200,  200),
        "add":                (A,    A,    A,    A,    A,    200,  200),
        "change":             (A,    A,    A,    A,    A,    200,  200),
        "history":            (A,    A,    A,    A,    A,    200,  200),
        "simple_history":     (A,    A,    A,    A,    A,    200,  200),
        "delete":             (A,    A,    A,    A,    A,    403,  403),
        "<path:object_id>/":  (A,    A,    A,    A,    A,    302,  302),
    },
    "municipalities.topic": {
        "changelist":         (A,    A,    A,    A,    A,    200,  200),
        "add":                (A,    A,    A,    A,    A,    200,  200),
        "change":             (A,    A,    A,    A,    A,    200,  200),
        "history":            (A,    A,    A,    A,    A,    200,  200),
        "simple_history":     (A,    A,    A,    A,    A,    200,  200),
        "delete":             (A,    A,    A,    A,    A,    403,  403),
        "<path:object_id>/":  (A,    A,    A,    A,    A,    302,  302),
    },
    "municipalities.registerimport": {
        "changelist":         (A,    A,    A,    A,    A,    200,  200),
        "add":                (A,    A,    A,    A,    A,    403,  403),
        "change":             (A,    A,    A,    A,    A,    200,  200),
        "history":            (A,    A,    A,    A,    A,    200,  200),
        "simple_history":     (A,    A,    A,    A,    A,    200,  200),
        "delete":             (A,    A,    A,    A,    A,    403,  403),
        "<path:object_id>/":  (A,    A,    A,    A,    A,    302,  302),
    },
    "municipalities.servicerequest": {
        "changelist":         (A,    A,    A,    A,    A,    200,  200),
        "add":                (A,    A,    A,    A,    A,    403,  403),
        "change":             (A,    A,    A,    A,    A,    200,  200),
        "history":            (A,    A,    A,    A,    A,    200,  200),
        "simple_history":     (A,    A,    A,    A,    A,    200,  200),
        "delete":             (A,    A,    A,    A,    A,    403,  403),
        "<path:object_id>/":  (A,    A,    A,    A,    A,    302,  302),
    },
    "agreements.cooperationagreement": {
        "changelist":         (A,    A,    A,    A,    A,    200,  200),
        "add":                (A,    A,    A,    A,    A,    200,  200),
        "change":             (A,    A,    A,    A,    A,    200,  200),
        "history":            (A,    A,    A,    A,    A,    200,  200),
        "simple_history":     (A,    A,    A,    A,    A,    200,  200),
        "delete":             (A,    A,    A,    A,    A,    403,  403),
        "<path:object_id>/":  (A,    A,    A,    A,    A,    302,  302),
    },
    "agreements.coachingprocess": {
        "changelist":         (A,    A,    A,    A,    A,    200,  200),
        "add":                (A,    A,    A,    A,    A,    200,  200),
        "change":             (A,    A,    A,    A,    A,    200,  200),
        "history":            (A,    A,    A,    A,    A,    200,  200),
        "simple_history":     (A,    A,    A,    A,    A,    200,  200),
        "delete":             (A,    A,    A,    A,    A,    403,  200),
        "<path:object_id>/":  (A,    A,    A,    A,    A,    302,  302),
    },
    "funding.fundingyear": {
        "changelist":         (A,    A,    A,    A,    A,    200,  200),
        "add":                (A,    A,    A,    A,    A,    200,  200),
        "change":             (A,    A,    A,    A,    A,    200,  200),
        "history":            (A,    A,    A,    A,    A,    200,  200),
        "simple_history":     (A,    A,    A,    A,    A,    200,  200),
        "delete":             (A,    A,    A,    A,    A,    403,  403),
        "<path:object_id>/":  (A,    A,    A,    A,    A,    302,  302),
    },
    "funding.paygroupcap": {
        "changelist":         (A,    A,    A,    A,    A,    200,  200),
        "add":                (A,    A,    A,    A,    A,    200,  200),
        "change":             (A,    A,    A,    A,    A,    200,  200),
        "history":            (A,    A,    A,    A,    A,    200,  200),
        "simple_history":     (A,    A,    A,    A,    A,    200,  200),
        "delete":             (A,    A,    A,    A,    A,    403,  200),
        "<path:object_id>/":  (A,    A,    A,    A,    A,    302,  302),
    },
    "funding.fundingapplication": {
        "changelist":         (A,    A,    A,    A,    A,    200,  200),
        "add":                (A,    A,    A,    A,    A,    200,  200),
        "change":             (A,    A,    A,    A,    A,    200,  200),
        "history":            (A,    A,    A,    A,    A,    200,  200),
        "simple_history":     (A,    A,    A,    A,    A,    200,  200),
        "delete":             (A,    A,    A,    A,    A,    403,  403),
        "<path:object_id>/":  (A,    A,    A,    A,    A,    302,  302),
    },
    "funding.fundingdecision": {
        "changelist":         (A,    A,    A,    A,    A,    200,  200),
        "add":                (A,    A,    A,    A,    A,    403,  403),
        "change":             (A,    A,    A,    A,    A,    200,  200),
        "history":            (A,    A,    A,    A,    A,    200,  200),
        "simple_history":     (A,    A,    A,    A,    A,    200,  200),
        "delete":             (A,    A,    A,    A,    A,    403,  403),
        "<path:object_id>/":  (A,    A,    A,    A,    A,    302,  302),
    },
    "funding.payment": {
        "changelist":         (A,    A,    A,    A,    A,    200,  200),
        "add":                (A,    A,    A,    A,    A,    403,  403),
        "change":             (A,    A,    A,    A,    A,    200,  200),
        "history":            (A,    A,    A,    A,    A,    200,  200),
        "simple_history":     (A,    A,    A,    A,    A,    200,  200),
        "delete":             (A,    A,    A,    A,    A,    403,  403),
        "<path:object_id>/":  (A,    A,    A,    A,    A,    302,  302),
    },
    "analyses.securityanalysis": {
        "changelist":         (A,    A,    A,    A,    A,    200,  200),
        "add":                (A,    A,    A,    A,    A,    200,  200),
        "change":             (A,    A,    A,    A,    A,    200,  200),
        "history":            (A,    A,    A,    A,    A,    200,  200),
        "simple_history":     (A,    A,    A,    A,    A,    200,  200),
        "delete":             (A,    A,    A,    A,    A,    403,  403),
        "<path:object_id>/":  (A,    A,    A,    A,    A,    302,  302),
    },
    "analyses.crimefigure": {
        "changelist":         (A,    A,    A,    A,    A,    200,  200),
        "add":                (A,    A,    A,    A,    A,    200,  200),
        "change":             (A,    A,    A,    A,    A,    200,  200),
        "history":            (A,    A,    A,    A,    A,    200,  200),
        "simple_history":     (A,    A,    A,    A,    A,    200,  200),
        "delete":             (A,    A,    A,    A,    A,    403,  200),
        "<path:object_id>/":  (A,    A,    A,    A,    A,    302,  302),
    },
    "analyses.areapopulation": {
        "changelist":         (A,    A,    A,    A,    A,    200,  200),
        "add":                (A,    A,    A,    A,    A,    200,  200),
        "change":             (A,    A,    A,    A,    A,    200,  200),
        "history":            (A,    A,    A,    A,    A,    200,  200),
        "simple_history":     (A,    A,    A,    A,    A,    200,  200),
        "delete":             (A,    A,    A,    A,    A,    403,  200),
        "<path:object_id>/":  (A,    A,    A,    A,    A,    302,  302),
    },
    "analyses.dataimport": {
        "changelist":         (A,    A,    A,    A,    A,    200,  200),
        "add":                (A,    A,    A,    A,    A,    403,  403),
        "change":             (A,    A,    A,    A,    A,    200,  200),
        "history":            (A,    A,    A,    A,    A,    200,  200),
        "simple_history":     (A,    A,    A,    A,    A,    200,  200),
        "delete":             (A,    A,    A,    A,    A,    403,  403),
        "<path:object_id>/":  (A,    A,    A,    A,    A,    302,  302),
    },
    "analyses.surveybenchmark": {
        "changelist":         (A,    A,    A,    A,    A,    200,  200),
        "add":                (A,    A,    A,    A,    A,    200,  200),
        "change":             (A,    A,    A,    A,    A,    200,  200),
        "history":            (A,    A,    A,    A,    A,    200,  200),
        "simple_history":     (A,    A,    A,    A,    A,    200,  200),
        "delete":             (A,    A,    A,    A,    A,    403,  200),
        "<path:object_id>/":  (A,    A,    A,    A,    A,    302,  302),
    },
    "figures.trainingcohort": {
        "changelist":         (A,    A,    A,    A,    A,    200,  200),
        "add":                (A,    A,    A,    A,    A,    200,  200),
        "change":             (A,    A,    A,    A,    A,    200,  200),
        "history":            (A,    A,    A,    A,    A,    200,  200),
        "simple_history":     (A,    A,    A,    A,    A,    200,  200),
        "delete":             (A,    A,    A,    A,    A,    403,  200),
        "<path:object_id>/":  (A,    A,    A,    A,    A,    302,  302),
    },
    "figures.boundaryimport": {
        "changelist":         (A,    A,    A,    A,    A,    200,  200),
        "add":                (A,    A,    A,    A,    A,    403,  403),
        "change":             (A,    A,    A,    A,    A,    200,  200),
        "history":            (A,    A,    A,    A,    A,    200,  200),
        "simple_history":     (A,    A,    A,    A,    A,    200,  200),
        "delete":             (A,    A,    A,    A,    A,    403,  403),
        "<path:object_id>/":  (A,    A,    A,    A,    A,    302,  302),
    },
    "figures.yearlyreport": {
        "changelist":         (A,    A,    A,    A,    A,    200,  200),
        "add":                (A,    A,    A,    A,    A,    403,  403),
        "change":             (A,    A,    A,    A,    A,    200,  200),
        "history":            (A,    A,    A,    A,    A,    200,  200),
        "simple_history":     (A,    A,    A,    A,    A,    200,  200),
        "delete":             (A,    A,    A,    A,    A,    403,  403),
        "<path:object_id>/":  (A,    A,    A,    A,    A,    302,  302),
    },
}
# fmt: on


def table() -> dict[str, Row]:
    """All rows, keyed by URL name (``namespace:name``), or the route of an unnamed pattern."""
    rows = {**MATRIX, **ADMIN_MATRIX}
    for model, views in MODEL_ADMIN_MATRIX.items():
        app_label, model_name = model.split(".")
        for view, row in views.items():
            if "/" in view:
                rows[f"admin/{app_label}/{model_name}/{view}"] = row
            else:
                rows[f"admin:{app_label}_{model_name}_{view}"] = row
    return rows


# --- The URL patterns ------------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    key: str
    route: str  # the full route, e.g. "admin/municipalities/municipality/<path:object_id>/"
    name: str | None


@cache
def url_patterns() -> dict[str, Pattern]:
    """Every pattern of the resolver, recursively."""
    found: dict[str, Pattern] = {}

    def walk(entries: list[Any], prefix: str, namespace: str) -> None:
        for entry in entries:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                inner = ":".join(filter(None, (namespace, entry.namespace)))
                walk(entry.url_patterns, route, inner)
            elif isinstance(entry, URLPattern):
                name = ":".join(filter(None, (namespace, entry.name))) if entry.name else None
                key = name or route
                assert key not in found, f"two patterns share the key {key}"
                found[key] = Pattern(key, route, name)

    walk(get_resolver().url_patterns, "", "")
    return found


# --- The world -------------------------------------------------------------------------------


@dataclass
class World:
    a: Place
    b: Place
    users: dict[str, Any]
    sessions: dict[str, str] = field(default_factory=dict)
    # One object of municipality A (or of the programme) per model in the admin, by "app.model".
    objects: dict[str, Model] = field(default_factory=dict)
    invitation_token: str = ""
    process: CoachingProcess | None = None
    session: CoachingSession | None = None
    job: Job | None = None
    draft: ReportDraft | None = None
    report: YearlyReport | None = None


def build_world() -> World:
    officer = UserFactory(roles=[Role.OFFICER], first_name="Referent", last_name="LPR")
    a = make_place("Annaberg", 1, officer)
    b = make_place("Borna", 2, officer)
    users = {
        "coordinator A": a.coordinator,
        "coordinator B": b.coordinator,
        "coach": UserFactory(roles=[Role.COACH], first_name="Coach", last_name="B3"),
        "police": UserFactory(roles=[Role.POLICE], first_name="Polizei", last_name="PD"),
        "LPR-Referent": officer,
        "LPR-Verwaltung": UserFactory(
            roles=[Role.ADMINISTRATION], first_name="Verwaltung", last_name="LPR"
        ),
    }
    world = World(a=a, b=b, users=users)
    for role, user in users.items():
        client = Client()
        client.force_login(user)
        world.sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value

    municipality = a.municipality
    agreement = a.document.agreement
    world.process = CoachingProcess.objects.create(
        coach=users["coach"], requested_on=date(2022, 3, 1), status="running"
    )
    world.process.municipalities.set([municipality])
    world.session = CoachingSession.objects.create(
        process=world.process, date=date(2022, 5, 1), duration_minutes=60
    )
    invitee = UserFactory(roles=[Role.COORDINATOR], first_name="Neu", last_name="Annaberg")
    world.invitation_token = invitation_create(user=invitee, invited_by=officer)
    world.job = Job.objects.create(kind="agreement_pdf", title="KV Annaberg", created_by=officer)
    JobItem.objects.create(
        job=world.job,
        content_type=ContentType.objects.get_for_model(agreement),
        object_id=agreement.pk,
    )
    world.draft = ReportDraft(analysis=a.analysis, sha256="1" * 64, pages=1, responses=0)
    world.draft.file.save("entwurf.pdf", ContentFile(b"%PDF-1.4 draft"), save=True)
    world.report = YearlyReport(
        year=2025,
        as_of=date(2025, 12, 31),
        status=YearlyReport.Status.DONE,
        progress=100,
        pages=2,
        pdf_sha256="4" * 64,
        created_by=officer,
    )
    world.report.pdf.save("jahresbericht.pdf", ContentFile(b"%PDF-1.4 yearly"), save=True)

    directorate = PoliceDirectorate.objects.get(pk=municipality.district.police_directorate_id)
    request = {"user_agent": "Matrix", "http_accept": "text/html", "path_info": "/anmelden/"}
    world.objects = {
        "auth.group": Group.objects.get(name=Role.COORDINATOR),
        "django_celery_beat.periodictask": PeriodicTask.objects.create(
            name="Matrix",
            task="asskomm.tasks.nothing",
            interval=IntervalSchedule.objects.create(every=1, period=IntervalSchedule.DAYS),
        ),
        "django_celery_beat.clockedschedule": ClockedSchedule.objects.create(
            clocked_time=timezone.now()
        ),
        "django_celery_beat.crontabschedule": CrontabSchedule.objects.create(minute="5"),
        "django_celery_beat.solarschedule": SolarSchedule.objects.create(
            event="sunrise", latitude=Decimal("51.05"), longitude=Decimal("13.74")
        ),
        "django_celery_beat.intervalschedule": IntervalSchedule.objects.create(
            every=2, period=IntervalSchedule.HOURS
        ),
        "accounts.user": a.coordinator,
        "accounts.invitation": Invitation.objects.get(user=invitee),
        "municipalities.municipality": municipality,
        "municipalities.consultation": ConsultationFactory(municipality=municipality),
        "municipalities.preventioncouncil": a.council,
        "municipalities.contact": ContactFactory(municipality=municipality),
        "municipalities.district": municipality.district,
        "municipalities.administrativeassociation": AdministrativeAssociation.objects.create(
            key="999990001",
            name="Verwaltungsgemeinschaft Annaberg",
            kind=AdministrativeAssociation.Kind.values[0],
            district=municipality.district,
        ),
        "municipalities.policedirectorate": directorate,
        "municipalities.topic": Topic.objects.first(),
        "municipalities.registerimport": RegisterImport.objects.create(
            territorial_date=date(2025, 11, 30),
            format=RegisterImport.Format.values[0],
            imported_by=officer,
        ),
        "municipalities.servicerequest": a.request,
        "agreements.cooperationagreement": agreement,
        "agreements.coachingprocess": world.process,
        "funding.fundingyear": a.grant.funding_year,
        "funding.paygroupcap": PayGroupCap.objects.first(),
        "funding.fundingapplication": a.grant,
        "funding.fundingdecision": a.decision,
        "funding.payment": Payment.objects.create(
            application=a.grant,
            kind=Payment.Kind.values[0],
            amount=Decimal("1000.00"),
            paid_on=date(2026, 3, 2),
            created_by=officer,
        ),
        "analyses.securityanalysis": a.analysis,
        "analyses.crimefigure": CrimeFigure.objects.create(
            area_key=municipality.ags, year=2024, offence_group=OFFENCE_CHOICES[0][0], cases=12
        ),
        "analyses.areapopulation": AreaPopulation.objects.create(
            area_key=municipality.ags, year=2024, population=1000
        ),
        "analyses.dataimport": DataImport.objects.create(
            kind=DataImport.Kind.values[0],
            analysis=a.analysis,
            file_name="pks.csv",
            sha256="2" * 64,
            imported_by=officer,
        ),
        "analyses.surveybenchmark": SurveyBenchmark.objects.create(
            item=ITEM_CHOICES[0][0], share=Decimal("0.5"), year=2024, source="Sicherheitsbarometer"
        ),
        "figures.trainingcohort": TrainingCohort.objects.create(
            programme=TrainingCohort.Programme.values[0],
            name="Jahrgang 2024",
            starts_on=date(2024, 2, 1),
            participants=10,
        ),
        "figures.boundaryimport": BoundaryImport.objects.create(
            source="gemeinden.geojson", sha256="3" * 64, attribution="GeoSN", features=0, matched=0
        ),
        "figures.yearlyreport": world.report,
        "axes.accessattempt": AccessAttempt.objects.create(
            username=a.coordinator.email,
            get_data="",
            post_data="",
            failures_since_start=2,
            **request,
        ),
        "axes.accesslog": AccessLog.objects.create(username=a.coordinator.email, **request),
        "axes.accessfailurelog": AccessFailureLog.objects.create(
            username=a.coordinator.email, **request
        ),
        "otp_totp.totpdevice": TOTPDevice.objects.create(
            user=users["LPR-Verwaltung"], name="Telefon", confirmed=True
        ),
    }
    for obj in world.objects.values():
        history = getattr(obj, "history", None)
        if history is not None and not history.exists():
            obj.save()  # fixed data loaded by a migration has no version in its history yet
    return world


@pytest.fixture(scope="module")
def world(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    """Built once; rolled back when the module is done."""
    media = override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("matrix-media")))
    media.enable()
    try:
        with django_db_blocker.unblock(), transaction.atomic():
            yield build_world()
            transaction.set_rollback(True)
    finally:
        media.disable()


@pytest.fixture(autouse=True)
def _media_root() -> None:
    """The world's files stay in the module's folder (replaces the per-test folder)."""


# --- Filling in the URLs ---------------------------------------------------------------------


def _portal(name: str, **kwargs: Callable[[World], Any]) -> Callable[[World], str]:
    def build(w: World) -> str:
        values = {key: value(w) for key, value in kwargs.items()}
        return reverse(name, kwargs={"ags": w.a.municipality.ags, **values})

    return build


def _args(name: str, *args: Callable[[World], Any], query: str = "") -> Callable[[World], str]:
    def build(w: World) -> str:
        return reverse(name, args=[arg(w) for arg in args]) + query

    return build


# URLs whose parameters are not just the municipality's key or an admin object.
PATHS: dict[str, Callable[[World], str]] = {
    "verify_fingerprint": _args("verify_fingerprint", lambda w: w.a.document.sha256),
    "invitation_accept": _args("invitation_accept", lambda w: w.invitation_token),
    "password_reset_confirm": _args(
        "password_reset_confirm",
        lambda w: urlsafe_base64_encode(force_bytes(w.a.coordinator.pk)),
        lambda w: "ungueltig-0123456789abcdef",
    ),
    "agreements:coach_process_detail": _args(
        "agreements:coach_process_detail", lambda w: w.process.pk
    ),
    "agreements:coach_process_edit": _args("agreements:coach_process_edit", lambda w: w.process.pk),
    "agreements:coach_session_create": _args(
        "agreements:coach_session_create", lambda w: w.process.pk
    ),
    "agreements:coach_session_edit": _args("agreements:coach_session_edit", lambda w: w.session.pk),
    "agreements:coordinator_document": _portal(
        "agreements:coordinator_document", pk=lambda w: w.a.document.pk
    ),
    "funding:application": _portal("funding:application", pk=lambda w: w.a.grant.pk),
    "funding:step": _portal("funding:step", pk=lambda w: w.a.draft.pk, step=lambda w: "kosten"),
    "funding:plan_check": _portal("funding:plan_check", pk=lambda w: w.a.draft.pk),
    "funding:submit": _portal("funding:submit", pk=lambda w: w.a.draft.pk),
    "funding:withdraw": _portal("funding:withdraw", pk=lambda w: w.a.draft.pk),
    "funding:proof": _portal("funding:proof", pk=lambda w: w.a.grant.pk),
    "funding:attachment": _portal(
        "funding:attachment", pk=lambda w: w.a.draft.pk, attachment=lambda w: w.a.attachment.pk
    ),
    "funding:letter": _portal("funding:letter", pk=lambda w: w.a.decision.pk),
    "analyses:analysis": _portal("analyses:analysis", pk=lambda w: w.a.analysis.pk),
    "analyses:tick": _portal(
        "analyses:tick", pk=lambda w: w.a.analysis.pk, task=lambda w: w.a.task.pk
    ),
    "analyses:report": _portal("analyses:report", pk=lambda w: w.a.analysis.pk),
    "portal:council_edit": _portal("portal:council_edit", pk=lambda w: w.a.council.pk),
    "portal:meeting_new": _portal("portal:meeting_new", pk=lambda w: w.a.council.pk),
    "portal:meeting_edit": _portal("portal:meeting_edit", pk=lambda w: w.a.meeting.pk),
    "portal:meeting_minutes": _portal("portal:meeting_minutes", pk=lambda w: w.a.meeting.pk),
    "portal:request_new": _portal("portal:request_new", kind=lambda w: "coaching"),
    "admin:view_on_site": _args(
        "admin:view_on_site",
        lambda w: ContentType.objects.get_for_model(w.a.municipality).pk,
        lambda w: w.a.municipality.pk,
    ),
    "admin:autocomplete": _args(
        "admin:autocomplete",
        query="?app_label=agreements&model_name=coachingprocess&field_name=municipalities&term=A",
    ),
    "admin:app_list": lambda w: reverse("admin:app_list", kwargs={"app_label": "municipalities"}),
    "admin:auth_user_password_change": _args(
        "admin:auth_user_password_change", lambda w: w.a.coordinator.pk
    ),
    "admin:agreements_document_download": _args(
        "admin:agreements_document_download", lambda w: w.a.document.pk
    ),
    "admin:agreements_job": _args("admin:agreements_job", lambda w: w.job.pk),
    "admin:agreements_job_progress": _args("admin:agreements_job_progress", lambda w: w.job.pk),
    "admin:agreements_job_zip": _args("admin:agreements_job_zip", lambda w: w.job.pk),
    "admin:funding_export": _args("admin:funding_export", lambda w: 2026, lambda w: "csv"),
    "admin:funding_letter_download": _args(
        "admin:funding_letter_download", lambda w: w.a.decision.pk
    ),
    "admin:funding_attachment_download": _args(
        "admin:funding_attachment_download", lambda w: w.a.attachment.pk
    ),
    "admin:analyses_draft_download": _args("admin:analyses_draft_download", lambda w: w.draft.pk),
    "admin:figures_yearlyreport_progress": _args(
        "admin:figures_yearlyreport_progress", lambda w: w.report.pk
    ),
    "admin:figures_yearlyreport_file": _args(
        "admin:figures_yearlyreport_file", lambda w: w.report.pk, lambda w: "pdf"
    ),
    "admin/(?P<url>.*)$": lambda w: "/admin/gibt-es-nicht/",
}
# Custom admin views that take the primary key of this model's object of municipality A.
PK_OF = {
    "admin:agreements_": "agreements.cooperationagreement",
    "admin:funding_": "funding.fundingapplication",
    "admin:analyses_": "analyses.securityanalysis",
    "admin:otp_totp_": "otp_totp.totpdevice",
}
ADMIN_MODEL_ROUTE = re.compile(r"^admin/(?P<app>\w+)/(?P<model>\w+)/")


def url_for(pattern: Pattern, w: World) -> str:
    """The pattern filled with the objects of municipality A."""
    if pattern.key in PATHS:
        return PATHS[pattern.key](w)
    route = pattern.route
    params = re.findall(r"<(?:\w+:)?(\w+)>", route)
    if "(" in route:  # simple_history's revert form: a regular expression with two groups
        obj: Any = _admin_object(route, w)
        return reverse(pattern.key, args=[obj.pk, obj.history.latest().history_id])
    if params == ["object_id"]:
        obj = _admin_object(route, w)
        if pattern.name is None:
            return "/" + route.replace("<path:object_id>", str(obj.pk))
        return reverse(pattern.key, args=[obj.pk])
    if params == ["pk"] and pattern.key.startswith("admin:"):
        prefix = next(prefix for prefix in PK_OF if pattern.key.startswith(prefix))
        return reverse(pattern.key, args=[w.objects[PK_OF[prefix]].pk])
    if params == ["ags"]:
        return reverse(pattern.key, kwargs={"ags": w.a.municipality.ags})
    assert not params, f"{pattern.key}: say in PATHS how to fill {params}"
    return reverse(pattern.key) if pattern.name else "/" + route


def _admin_object(route: str, w: World) -> Model:
    match = ADMIN_MODEL_ROUTE.match(route)
    assert match, route
    return w.objects[f"{match['app']}.{match['model']}"]


# --- Asking --------------------------------------------------------------------------------


def client_for(w: World, role: str) -> Client:
    client = Client()
    if role in w.sessions:
        client.cookies[settings.SESSION_COOKIE_NAME] = w.sessions[role]
    return client


def answer(response: Any, url: str) -> Answer:
    """The status code, or L / A for a redirect to a login that comes back to ``url``."""
    if response.status_code != 302:
        return int(response.status_code)
    location = urlsplit(response["Location"])
    comes_back = parse_qs(location.query).get("next") == [url]
    if location.path == reverse("login") and comes_back:
        return L
    if location.path == reverse("admin:login") and comes_back:
        return A
    return 302


REFUSED = (L, A, 403, 404)
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
POST_DATA = {"name": "X", "title": "X", "message": "X", "done": "1", "email": "x@example.org"}


def writes_during(queries: CaptureQueriesContext) -> list[str]:
    return [query["sql"] for query in queries if WRITE.match(query["sql"])]


# --- Tests ---------------------------------------------------------------------------------


def test_every_url_is_in_the_table() -> None:
    missing = sorted(set(url_patterns()) - set(table()))
    gone = sorted(set(table()) - set(url_patterns()))

    assert not missing, f"URL patterns without a row: add them to the table: {missing}"
    assert not gone, f"rows without a URL pattern: remove them from the table: {gone}"


def test_the_table_keeps_the_rules() -> None:
    """Rows cannot be bent to fit a hole: the rules every row must follow."""
    column = {role: index for index, role in enumerate(ROLES)}
    patterns = url_patterns()
    for key, row in table().items():
        route = patterns[key].route if key in patterns else ""
        if route.startswith("admin/") and key not in ("admin:login", "admin:logout"):
            # Only staff come into the admin; everybody else is sent to its login.
            assert row[: column["police"] + 1] == (A,) * 5, key
        if key.endswith("_delete"):
            assert row[column["LPR-Referent"]] == 403, f"{key}: the LPR-Referent may not delete"
        if "<str:ags>" in route:
            # The portal of municipality A: its coordinator's, nobody else's.
            assert row[column["anonymous"]] == L, key
            assert row[column["coordinator B"]] == 404, key
            assert all(answer == 403 for answer in row[column["coach"] :]), key


@pytest.mark.parametrize("key", sorted(table()))
def test_each_role_gets_the_expected_answer(world: World, key: str) -> None:
    """A GET in every role; where it is refused, a POST is refused alike and writes nothing."""
    url = url_for(url_patterns()[key], world)
    problems = []
    for role, expected in zip(ROLES, table()[key], strict=True):
        got = answer(client_for(world, role).get(url), url)
        if got != expected:
            problems.append(f"GET  as {role:15} expected {expected!s:12} got {got}")
        if expected not in REFUSED:
            continue
        with CaptureQueriesContext(connection) as queries:
            got = answer(client_for(world, role).post(url, POST_DATA), url)
        if got != expected:
            problems.append(f"POST as {role:15} expected {expected!s:12} got {got}")
        if writes_during(queries):
            problems.append(f"POST as {role:15} wrote: {writes_during(queries)}")

    assert not problems, f"{url}\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("key", sorted(key for key in table() if key.endswith("_simple_history")))
def test_an_old_version_is_never_saved_back(world: World, key: str) -> None:
    """django-simple-history's form of an old version would save it again: refused to everybody.

    Its GET shows the old version to those who may view the record (in the table above).
    """
    url = url_for(url_patterns()[key], world)
    for role in ("LPR-Referent", "LPR-Verwaltung"):
        with CaptureQueriesContext(connection) as queries:
            response = client_for(world, role).post(url, POST_DATA)

        assert response.status_code == 403, f"POST {url} as {role}"
        assert not writes_during(queries), f"POST {url} as {role} wrote"
