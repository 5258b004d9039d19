"""Invitations with a one-time link, password reset, in German and in the site's look."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation, User
from accounts.roles import Role

from ..factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


def link_in(message: mail.EmailMessage) -> str:
    """The path of the link in a mail (the mail carries ASSKOMM_SITE_URL in front)."""
    url = re.search(r"https?://\S+", message.body).group(0)
    return "/" + url.split("/", 3)[3]


@pytest.fixture
def invite(client: Client, officer, django_capture_on_commit_callbacks):
    towns = [MunicipalityFactory(name=name) for name in ("Auerbach/Vogtl.", "Lengenfeld")]
    client.force_login(officer)

    def run(email: str = "Koordination@Lengenfeld.example") -> User:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("admin:municipalities_invite"),
                {
                    "email": email,
                    "first_name": "Sabine",
                    "last_name": "Krause",
                    "municipalities": [t.pk for t in towns],
                },
            )
        assert response.status_code == 302, response.content.decode()[:3000]
        client.logout()
        return User.objects.get(email=email.lower())

    run.towns = towns  # type: ignore[attr-defined]
    return run


def test_staff_invite_a_coordinator_who_sets_a_password_once(client: Client, invite) -> None:
    user = invite()

    assert not user.has_usable_password()
    assert user.groups.filter(name=Role.COORDINATOR).exists()
    assert set(user.coordinated_municipalities.values_list("name", flat=True)) == {
        "Auerbach/Vogtl.",
        "Lengenfeld",
    }
    message = mail.outbox[-1]
    assert message.to == ["koordination@lengenfeld.example"]
    assert message.subject == "Ihr Zugang zum ASSKomm-Portal"
    assert "Auerbach/Vogtl., Lengenfeld" in message.body
    assert "7 Tage gültig" in message.body
    link = link_in(message)

    page = client.get(link)
    assert "Passwort festlegen" in page.content.decode()
    response = client.post(
        link, {"new_password1": "Sicherheit-2026!", "new_password2": "Sicherheit-2026!"}
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Sicherheit-2026!")
    assert client.get(reverse("portal:entry")).status_code == 200  # logged in, choice of two
    client.logout()
    again = client.get(link)
    assert again.status_code == 410
    assert "nicht mehr gültig" in again.content.decode()


def test_a_weak_password_is_refused_in_german(client: Client, invite) -> None:
    invite()
    link = link_in(mail.outbox[-1])

    response = client.post(link, {"new_password1": "12345678", "new_password2": "12345678"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Dieses Passwort ist zu kurz" in page
    assert Invitation.objects.get().accepted_at is None


def test_an_expired_invitation_link_is_refused(client: Client, invite) -> None:
    invite()
    link = link_in(mail.outbox[-1])
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))

    assert client.get(link).status_code == 410
    assert (
        client.post(
            link, {"new_password1": "Sicherheit-2026!", "new_password2": "Sicherheit-2026!"}
        ).status_code
        == 410
    )


def test_a_new_invitation_replaces_the_old_link(client: Client, invite, administrator) -> None:
    user = invite()
    first = link_in(mail.outbox[-1])
    client.force_login(administrator)
    client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "resend_invitation", "_selected_action": [user.pk]},
    )
    client.logout()
    second = link_in(mail.outbox[-1])

    assert first != second
    assert client.get(first).status_code == 410
    assert client.get(second).status_code == 200


def test_inviting_an_existing_user_only_adds_municipalities(
    client: Client, officer, make_user, django_capture_on_commit_callbacks
) -> None:
    existing = make_user(Role.COORDINATOR, email="schon@da.example")
    town = MunicipalityFactory(name="Rodewisch")
    client.force_login(officer)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:municipalities_invite"),
            {
                "email": "schon@da.example",
                "first_name": "A",
                "last_name": "B",
                "municipalities": [town.pk],
            },
        )

    assert existing.check_password("richtig-gutes-passwort")
    assert list(existing.coordinated_municipalities.all()) == [town]
    assert "Rodewisch" in mail.outbox[-1].body
    assert not Invitation.objects.exists()


def test_invitation_form_errors_are_german(client: Client, officer) -> None:
    client.force_login(officer)

    response = client.post(
        reverse("admin:municipalities_invite"),
        {"email": "kein-mail", "first_name": "", "last_name": ""},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Bitte gültige E-Mail-Adresse eingeben" in page
    assert "Dieses Feld ist zwingend erforderlich" in page


def test_only_staff_with_the_right_may_invite(client: Client, make_user) -> None:
    client.force_login(make_user(Role.POLICE, is_staff=True))

    assert client.get(reverse("admin:municipalities_invite")).status_code == 403


def test_password_reset_by_mail(client: Client, make_user) -> None:
    user = make_user(Role.COORDINATOR, email="reset@gemeinde.example")

    response = client.post(reverse("password_reset"), {"email": "RESET@gemeinde.example"})
    assert response.status_code == 302
    message = mail.outbox[-1]
    assert message.subject == "Neues Passwort für das ASSKomm-Portal"
    link = re.search(r"http://testserver(\S+)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert "Neues Passwort festlegen" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Neues-Passwort-99", "new_password2": "Neues-Passwort-99"},
    )

    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Neues-Passwort-99")


def test_password_reset_for_an_unknown_address_reveals_nothing(client: Client) -> None:
    response = client.post(reverse("password_reset"), {"email": "niemand@example.org"}, follow=True)

    assert "Bitte sehen Sie in Ihr Postfach" in response.content.decode()
    assert mail.outbox == []


def test_login_page_offers_the_password_reset(client: Client) -> None:
    assert reverse("password_reset") in client.get(reverse("login")).content.decode()
