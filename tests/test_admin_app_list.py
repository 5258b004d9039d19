"""The admin's app list is kept per set of permissions: what one user may see never leaks."""

from typing import Any

from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from accounts.roles import Role

FUNDING_LIST = reverse("admin:funding_fundingapplication_changelist")
MUNICIPALITY_LIST = reverse("admin:municipalities_municipality_changelist")


def index_links(user: Any) -> set[str]:
    client = Client()
    client.force_login(user)
    html = client.get(reverse("admin:index")).content.decode()
    return {url for url in (FUNDING_LIST, MUNICIPALITY_LIST) if f'href="{url}"' in html}


def test_each_user_sees_the_apps_of_their_own_permissions(make_user: Any) -> None:
    officer = make_user(Role.OFFICER, is_staff=True)
    bare = make_user(is_staff=True)
    bare.user_permissions.add(Permission.objects.get(codename="view_municipality"))
    assert index_links(officer) == {FUNDING_LIST, MUNICIPALITY_LIST}
    assert index_links(bare) == {MUNICIPALITY_LIST}  # not the officer's list, kept before
    assert index_links(officer) == {FUNDING_LIST, MUNICIPALITY_LIST}
    bare.user_permissions.add(Permission.objects.get(codename="view_fundingapplication"))
    assert index_links(bare) == {FUNDING_LIST, MUNICIPALITY_LIST}  # new rights, new list
