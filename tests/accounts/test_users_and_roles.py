"""Users log in with their e-mail address; the five roles exist with the rights they need."""

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role, sync_role_permissions

pytestmark = pytest.mark.django_db


def test_the_five_roles_exist_as_groups() -> None:
    assert set(Group.objects.values_list("name", flat=True)) >= {
        "LPR-Verwaltung",
        "LPR-Referent",
        "Coach",
        "Kommunale Koordination",
        "Polizei",
    }


def test_email_is_the_login_and_is_case_insensitive() -> None:
    User.objects.create_user("Kerstin.Koerner@Dippoldiswalde.example", "ein-gutes-passwort")

    assert authenticate(
        username="kerstin.koerner@dippoldiswalde.example", password="ein-gutes-passwort"
    )
    assert authenticate(
        username="KERSTIN.KOERNER@DIPPOLDISWALDE.EXAMPLE", password="ein-gutes-passwort"
    )
    assert (
        authenticate(username="kerstin.koerner@dippoldiswalde.example", password="falsch") is None
    )


def test_the_same_address_cannot_be_registered_twice_in_another_case() -> None:
    User.objects.create_user("referent@lpr.example")

    with pytest.raises(IntegrityError):
        User.objects.create(email="Referent@LPR.example")


def test_officers_edit_the_register_but_cannot_delete(officer: User) -> None:
    assert officer.has_perm("municipalities.change_municipality")
    assert officer.has_perm("municipalities.add_consultation")
    assert not officer.has_perm("municipalities.delete_consultation")
    assert not officer.has_perm("accounts.change_user")


def test_administration_manages_users_and_the_register(administrator: User) -> None:
    assert administrator.has_perm("accounts.change_user")
    assert administrator.has_perm("municipalities.delete_consultation")
    assert administrator.has_perm("django_celery_beat.change_periodictask")


def test_administration_sees_the_roles_but_they_are_declared_in_code(administrator: User) -> None:
    assert administrator.has_perm("auth.view_group")
    assert not administrator.has_perm("auth.change_group")
    assert not administrator.has_perm("auth.add_group")
    assert not administrator.has_perm("auth.delete_group")


def _post_user_form(client: Client, user: User, **changes: str) -> int:
    """Save the admin's change form of ``user`` as it is shown, with ``changes``."""
    url = reverse("admin:accounts_user_change", args=[user.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value not in (None, False)}
    data.pop("password", None)
    data["groups"] = [group.pk for group in user.groups.all()]
    return int(client.post(url, {**data, **changes}).status_code)


def test_only_a_superuser_makes_superusers(client: Client, administrator: User, make_user) -> None:
    client.force_login(administrator)

    assert _post_user_form(client, administrator, last_name="Neumann", is_superuser="on") == 302
    administrator.refresh_from_db()
    assert administrator.last_name == "Neumann"
    assert not administrator.is_superuser

    client.force_login(make_user(is_staff=True, is_superuser=True))
    assert _post_user_form(client, administrator, is_superuser="on") == 302
    administrator.refresh_from_db()
    assert administrator.is_superuser


def test_police_only_read(make_user) -> None:
    police = make_user(Role.POLICE)

    assert police.has_perm("municipalities.view_municipality")
    assert not police.has_perm("municipalities.change_municipality")
    assert not police.is_staff


def test_coordinators_and_coaches_get_no_admin_rights(make_user) -> None:
    for role in (Role.COORDINATOR, Role.COACH):
        user = make_user(role)
        assert not user.get_all_permissions(), role


def test_role_permissions_are_restored_after_tampering() -> None:
    group = Group.objects.get(name=Role.OFFICER)
    group.permissions.clear()

    sync_role_permissions()

    assert group.permissions.filter(codename="change_municipality").exists()
    assert not group.permissions.filter(codename__startswith="delete_").exists()


def test_admin_login_uses_the_sites_login_page(client: Client) -> None:
    response = client.get(reverse("admin:login") + "?next=/admin/municipalities/")

    assert response.status_code == 302
    assert response["Location"] == "/anmelden/?next=%2Fadmin%2Fmunicipalities%2F"


def test_login_page_logs_in_with_email_and_redirects(client: Client, officer: User) -> None:
    response = client.post(
        reverse("login"),
        {
            "username": officer.email.upper(),
            "password": "richtig-gutes-passwort",
            "next": "/admin/",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_wrong_password_gives_a_german_message(client: Client, officer: User) -> None:
    response = client.post(reverse("login"), {"username": officer.email, "password": "falsch"})

    assert response.status_code == 200
    assert "E-Mail-Adresse oder Passwort sind nicht korrekt" in response.content.decode()


def test_logout_ends_the_session(client: Client, officer: User) -> None:
    client.force_login(officer)

    response = client.post(reverse("logout"))

    assert response.status_code == 200
    assert "Sie wurden abgemeldet" in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_users_cannot_be_deleted_in_the_admin(
    client: Client, administrator: User, officer: User
) -> None:
    client.force_login(administrator)

    response = client.get(reverse("admin:accounts_user_delete", args=[officer.pk]))

    assert response.status_code == 403
    assert User.objects.filter(pk=officer.pk).exists()


def test_a_non_staff_user_is_turned_away_from_the_admin(client: Client, make_user) -> None:
    client.force_login(make_user(Role.COORDINATOR))

    response = client.get("/admin/", follow=True)

    assert response.redirect_chain[-1][0].startswith("/anmelden/")
    assert "darf die angeforderte Seite aber nicht öffnen" in response.content.decode()
