"""The portal's roles, kept as Django groups.

The groups are created by a data migration; which permissions each role holds is declared here and
applied after every ``migrate`` (which also recreates a missing group), so that permissions of apps
added later are covered.
"""

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db.models import Q


class Role:
    ADMINISTRATION = "LPR-Verwaltung"
    OFFICER = "LPR-Referent"
    COACH = "Coach"
    COORDINATOR = "Kommunale Koordination"
    POLICE = "Polizei"

    ALL = (ADMINISTRATION, OFFICER, COACH, COORDINATOR, POLICE)
    # Roles whose members work in the staff admin.
    STAFF = (ADMINISTRATION, OFFICER)


# Apps whose data is the programme's register; both staff roles work on them.
DOMAIN_APPS = ("municipalities", "agreements", "funding", "analyses", "figures")

# Models whose rows are legal records or reference data: only the administration may delete.
PROTECTED_FROM_OFFICERS = ("delete",)


def role_permissions(role: str) -> Q | None:
    """The permissions a role holds, as a filter on ``Permission``; None for no admin rights."""
    domain = Q(content_type__app_label__in=DOMAIN_APPS)
    if role == Role.ADMINISTRATION:
        # Who holds a role is set on the user; what a role may do is declared here. The groups are
        # only shown in the admin: editing them would let the office grant itself more (e.g. the
        # TOTP secrets of other people), and the next ``migrate`` would undo it anyway.
        return (
            domain
            | Q(content_type__app_label__in=("accounts", "django_celery_beat"))
            | Q(content_type__app_label="auth", codename="view_group")
        )
    if role == Role.OFFICER:
        return (domain & ~Q(codename__startswith="delete_")) | Q(
            content_type__app_label="accounts", codename="view_user"
        )
    if role == Role.POLICE:
        # Read-only: the police see the register of their directorate through the portal views.
        return domain & Q(codename__startswith="view_")
    return None


def sync_role_permissions(**kwargs: Any) -> None:
    """Make sure every role group exists and holds exactly the permissions declared above."""
    for name in Role.ALL:
        group, _created = Group.objects.get_or_create(name=name)
        wanted = role_permissions(name)
        permissions = Permission.objects.filter(wanted) if wanted is not None else []
        group.permissions.set(permissions)
