"""Authentication against the portal's users: Django's ModelBackend, with permissions read in one
query.

Every admin page asks for all of a user's permissions (the app list, the page's own check);
Django reads the user's own and the groups' permissions in two queries, each joined with the
content types (1.3 ms of a staff page; bench/scale.py). Here it is one query with the same
answer; superusers, inactive users and object permissions are Django's as before.
"""

import functools
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection

# The path stored in each session: sessions logged in through another backend are logged out.
BACKEND = "accounts.backends.PortalBackend"


class PortalBackend(ModelBackend):
    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if user_obj.is_superuser or hasattr(user_obj, "_perm_cache"):
            return super().get_all_permissions(user_obj, obj)
        with connection.cursor() as cursor:
            cursor.execute(_permissions_sql(), [user_obj.pk, user_obj.pk])
            user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in cursor}
        return user_obj._perm_cache


@functools.cache
def _permissions_sql() -> str:
    """The user's own permissions and those of the user's groups, as (app label, codename).

    Written out: the ORM's form of it (two IN subqueries under an OR) costs as much to build
    as Django's two queries."""
    fields = get_user_model()._meta
    own, groups = fields.get_field("user_permissions"), fields.get_field("groups")
    own_table = own.m2m_db_table()
    member_table = groups.m2m_db_table()
    granted = Group._meta.get_field("permissions")
    group_table = granted.m2m_db_table()
    return (
        f'SELECT ct."app_label", p."codename" FROM "{Permission._meta.db_table}" p '  # noqa: S608
        f'JOIN "{ContentType._meta.db_table}" ct ON ct."id" = p."content_type_id" '
        f'WHERE p."id" IN ('
        f'SELECT o."{own.m2m_reverse_name()}" FROM "{own_table}" o '
        f'WHERE o."{own.m2m_column_name()}" = %s '
        f'UNION SELECT gp."{granted.m2m_reverse_name()}" FROM "{group_table}" gp '
        f'JOIN "{member_table}" m '
        f'ON m."{groups.m2m_reverse_name()}" = gp."{granted.m2m_column_name()}" '
        f'WHERE m."{groups.m2m_column_name()}" = %s)'
    )
