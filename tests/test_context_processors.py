"""The roles in every template's context are read only by templates that use them."""

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role

pytestmark = pytest.mark.django_db


def group_queries(client: Client, url: str) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    roles = [q for q in captured.captured_queries if '"auth_group"."name"' in q["sql"]]
    return response.content.decode(), len(roles)


def test_the_portal_navigation_shows_the_user_s_roles(client: Client, make_user: Any) -> None:
    coach = make_user(Role.COACH)
    client.force_login(coach)
    page, roles = group_queries(client, reverse("home"))
    assert reverse("agreements:coach_process_list") in page
    assert reverse("portal:entry") not in page
    assert roles == 1


def test_admin_pages_do_not_read_the_roles_they_never_show(client: Client, officer: Any) -> None:
    client.force_login(officer)
    page, roles = group_queries(client, reverse("figures:dashboard"))
    assert "Zahlen, Daten, Fakten" in page
    assert roles == 0
