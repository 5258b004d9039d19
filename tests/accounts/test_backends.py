"""The portal's backend reads a user's permissions in one query, with Django's answer."""

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.test import Client

from accounts.backends import BACKEND, PortalBackend
from accounts.roles import Role

pytestmark = pytest.mark.django_db


def permission(codename: str) -> Permission:
    return Permission.objects.get(codename=codename)


def fresh(user: Any) -> Any:
    """The user as a new request loads it (no permission cache)."""
    return get_user_model().objects.get(pk=user.pk)


def test_the_permissions_are_django_s_own_in_one_query(
    make_user: Any, django_assert_num_queries: Any
) -> None:
    clerk = make_user(Role.OFFICER)
    group = Group.objects.create(name="Nur Zahlungen")
    group.permissions.add(permission("view_payment"), permission("view_municipality"))
    clerk.groups.add(group)
    clerk.user_permissions.add(permission("view_payment"), permission("change_contact"))
    plain = make_user()
    only_own = make_user()
    only_own.user_permissions.add(permission("view_fundingyear"))
    for user in (clerk, plain, only_own):
        expected = ModelBackend().get_all_permissions(fresh(user))
        loaded = fresh(user)
        with django_assert_num_queries(1):
            assert PortalBackend().get_all_permissions(loaded) == expected
        with django_assert_num_queries(0):  # kept on the loaded user, as Django keeps it
            assert loaded.has_perm("funding.view_payment") is ("funding.view_payment" in expected)
    assert "municipalities.change_contact" in PortalBackend().get_all_permissions(fresh(clerk))
    assert "funding.view_fundingyear" in PortalBackend().get_all_permissions(fresh(only_own))
    assert PortalBackend().get_all_permissions(fresh(plain)) == set()


def test_inactive_anonymous_superusers_and_objects_as_django_has_them(make_user: Any) -> None:
    gone = make_user(Role.OFFICER, is_active=False)
    boss = make_user(is_superuser=True)
    officer = make_user(Role.OFFICER)
    backend = PortalBackend()
    assert backend.get_all_permissions(fresh(gone)) == set()
    assert backend.get_all_permissions(AnonymousUser()) == set()
    assert backend.get_all_permissions(fresh(officer), obj=object()) == set()
    assert backend.get_all_permissions(fresh(boss)) == ModelBackend().get_all_permissions(
        fresh(boss)
    )
    assert len(backend.get_all_permissions(fresh(boss))) == Permission.objects.count()


def test_a_login_is_kept_by_the_portal_backend(client: Client, make_user: Any) -> None:
    officer = make_user(Role.OFFICER)
    client.force_login(officer)
    assert client.session["_auth_user_backend"] == BACKEND
    assert client.get("/admin/").status_code == 200
