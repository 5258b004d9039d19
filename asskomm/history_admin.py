"""The admin base class of every model with history: its history is shown, never reverted.

django-simple-history's history view lists every change with its author and time. Its form view
would also let a user "revert" a record to an earlier version by saving it again, bypassing the
services (e.g. turn a signed agreement back into a draft); here it only shows the old version.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from simple_history.admin import SimpleHistoryAdmin


class HistoryAdmin(SimpleHistoryAdmin):  # type: ignore[type-arg]
    def revert_disabled(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

    def history_form_view(
        self,
        request: HttpRequest,
        object_id: str,
        version_id: str,
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if request.method != "GET":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class ReadOnlyHistoryAdmin(HistoryAdmin):
    """Records that are made elsewhere (imports, the application's buttons) and only ever looked
    at in the admin: listed and shown with their history, never added, changed or deleted here."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
