"""Admin actions for the data of one person: export it as JSON, erase it (LPR-Verwaltung only).

Every admin of a model that is a person (its ``PERSONAL_DATA_FIELDS`` hold an e-mail address:
users, contacts) gets both actions when the apps are ready; see ``install_personal_data_actions``.
"""

import json
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role

from .privacy import (
    RELATIONS,
    erase_personal_data,
    export_personal_data,
    find_person,
    find_personal_data,
    personal_data_models,
    retained_legal_records,
    table_name,
)


def is_lpr_administration(user: Any) -> bool:
    """Members of LPR-Verwaltung (and superusers): the only ones who export or erase a person."""
    if not user.is_authenticated or not user.is_active:
        return False
    # The roles read once per request (User.role_names): the list of contacts asks for every
    # action on it, six times a page.
    return bool(user.is_superuser) or Role.ADMINISTRATION in user.role_names


def _one(model_admin: Any, request: HttpRequest, queryset: QuerySet[Any]) -> Model | None:
    records = list(queryset[:2])
    if len(records) != 1:
        model_admin.message_user(request, _("Please select exactly one person."), messages.ERROR)
        return None
    return records[0]


@admin.action(description=_("Export the personal data (JSON)"), permissions=["privacy"])
def export_personal_data_action(
    model_admin: Any, request: HttpRequest, queryset: QuerySet[Any]
) -> HttpResponse | None:
    record = _one(model_admin, request, queryset)
    if record is None:
        return None
    document = export_personal_data(find_person(records=[record]))
    response = HttpResponse(
        json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    stamp = timezone.localdate().isoformat()
    name = f"personenbezogene-daten-{record._meta.model_name}-{record.pk}-{stamp}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@admin.action(description=_("Erase the personal data …"), permissions=["privacy"])
def erase_personal_data_action(
    model_admin: Any, request: HttpRequest, queryset: QuerySet[Any]
) -> HttpResponse | None:
    """A confirmation page that lists what will be anonymised; erased after confirming."""
    record = _one(model_admin, request, queryset)
    if record is None:
        return None
    person = find_person(records=[record])
    if request.POST.get("confirm") == "erase":
        erasure = erase_personal_data(person, erased_by=request.user)
        model_admin.message_user(
            request,
            _(
                "The personal data has been erased in %(rows)d rows; the erasure is logged "
                "as no. %(number)d."
            )
            % {"rows": sum(erasure.changed.values()), "number": erasure.pk},
            messages.SUCCESS,
        )
        return None
    summary: dict[tuple[str, str], int] = {}
    for finding in find_personal_data(person):
        key = (table_name(finding.model, plural=True), str(RELATIONS[finding.relation]))
        summary[key] = summary.get(key, 0) + 1
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Erase personal data"),
        "opts": model_admin.model._meta,
        "records": [
            (r._meta.verbose_name, str(r), getattr(r, "email", "")) for r in person.records
        ],
        "summary": sorted((model, relation, count) for (model, relation), count in summary.items()),
        "legal_records": retained_legal_records(person),
        "action": request.POST.get("action"),
        "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
    }
    return TemplateResponse(request, "admin/privacy/erase.html", context)


def install_personal_data_actions(site: admin.AdminSite | None = None) -> None:
    """Give the admin of every model that is a person the export and erase actions."""
    site = site or admin.site
    for model, fields in personal_data_models():
        model_admin = site._registry.get(model)
        if model_admin is None or "email" not in fields:
            continue
        actions = tuple(model_admin.actions or ())
        if export_personal_data_action not in actions:
            model_admin.actions = (
                *actions,
                export_personal_data_action,
                erase_personal_data_action,
            )
        model_admin.has_privacy_permission = (  # type: ignore[attr-defined]
            lambda request: is_lpr_administration(request.user)
        )
