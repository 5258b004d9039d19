from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from asskomm.history_admin import HistoryAdmin

from .forms import AdminUserChangeForm, AdminUserCreationForm
from .models import Invitation, User
from .services import invitation_create, invitation_send, login_lock_lift, two_factor_reset


@admin.register(User)
class UserAdmin(HistoryAdmin, DjangoUserAdmin):
    form = AdminUserChangeForm
    add_form = AdminUserCreationForm
    ordering = ("last_name", "first_name", "email")
    list_display = (
        "email",
        "first_name",
        "last_name",
        "roles",
        "is_staff",
        "is_active",
        "last_login",
    )
    list_filter = ("groups", "is_staff", "is_active")
    search_fields = ("email", "first_name", "last_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("first_name", "last_name")}),
        (_("Roles and rights"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "first_name", "last_name", "password1", "password2"),
            },
        ),
    )
    filter_horizontal = ("groups",)
    readonly_fields = ("last_login", "date_joined")
    actions = ("resend_invitation", "reset_two_factor", "lift_login_lock")

    @admin.action(description=_("Send the invitation again"), permissions=["change"])
    def resend_invitation(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        """A new one-time link for people who have not set a password yet."""
        sent = 0
        for user in queryset:
            if user.has_usable_password():
                continue
            invitation_send(user=user, token=invitation_create(user=user, invited_by=request.user))
            sent += 1
        self.message_user(
            request,
            _("%(count)d invitation(s) sent; accounts with a password were left out.")
            % {"count": sent},
            messages.SUCCESS,
        )

    @admin.action(description=_("Reset two-factor login (lost phone)"), permissions=["change"])
    def reset_two_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        """The app is unlinked; at the next login the person links an app again."""
        for user in queryset:
            two_factor_reset(user=user)
        self.message_user(
            request,
            _(
                "Two-factor login reset for %(count)d account(s); they link an app again at "
                "their next login."
            )
            % {"count": queryset.count()},
            messages.SUCCESS,
        )

    @admin.action(description=_("Lift the lock after wrong passwords"), permissions=["change"])
    def lift_login_lock(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            login_lock_lift(user=user)
        self.message_user(
            request,
            _("Login lock lifted for %(count)d account(s).") % {"count": queryset.count()},
            messages.SUCCESS,
        )

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return super().get_queryset(request).prefetch_related("groups")

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> Any:
        # Only a superuser makes superusers: the office manages roles, not rights beyond them.
        fields = super().get_readonly_fields(request, obj)
        if request.user.is_superuser:
            return fields
        return (*fields, "is_superuser")

    @admin.display(description=_("roles"))
    def roles(self, user: User) -> str:
        return ", ".join(group.name for group in user.groups.all())

    def has_delete_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        # Consultations, decisions and imports name their authors: deactivate instead.
        return False


@admin.register(Invitation)
class InvitationAdmin(HistoryAdmin):
    list_display = ("user", "created_at", "expires_at", "accepted_at", "invited_by")
    list_select_related = ("user", "invited_by")
    search_fields = ("user__email", "user__last_name")
    fields = ("user", "created_at", "expires_at", "accepted_at", "invited_by")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
