"""Login throttling (django-axes), two-factor login for staff (TOTP) and the security headers."""

import re
from pathlib import Path
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.roles import Role
from accounts.throttling import client_ip
from municipalities.services import coordinator_assign

from ..factories import MunicipalityFactory, UserFactory
from ..test_settings import run_python

pytestmark = pytest.mark.django_db
PASSWORD = "richtig-gutes-passwort"
ROOT = Path(__file__).resolve().parent.parent.parent
throttled = override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=5)
two_factor = override_settings(ASSKOMM_REQUIRE_2FA=True)


def attempt(client: Client, email: str, password: str, ip: str = "203.0.113.7") -> Any:
    return client.post(
        reverse("login"),
        {"username": email, "password": password, "next": "/admin/"},
        REMOTE_ADDR=ip,
    )


def code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"


# --- Login throttling ---------------------------------------------------------------------------


@throttled
def test_five_wrong_passwords_lock_the_login_with_a_german_page(client: Client, officer) -> None:
    for _ in range(4):
        response = attempt(client, officer.email, "falsch")
        assert response.status_code == 200
        assert "nicht korrekt" in response.content.decode()

    locked = attempt(client, officer.email, "falsch")

    assert locked.status_code == 429
    page = locked.content.decode()
    assert "<h1" in page
    assert "Anmeldung vorübergehend gesperrt" in page
    assert "5-mal hintereinander falsch eingegeben" in page
    assert re.search(r"in 30 Minuten wieder, ab \d\d:\d\d Uhr", page)
    assert reverse("password_reset") in page
    # Now even the right password is refused, in any spelling of the address.
    assert attempt(client, officer.email.upper(), PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


@throttled
def test_the_lock_holds_for_that_address_from_that_connection_only(
    client: Client, officer, administrator
) -> None:
    for _ in range(5):
        attempt(client, officer.email, "falsch")

    elsewhere = attempt(Client(), officer.email, PASSWORD, ip="198.51.100.20")
    other_account = attempt(Client(), administrator.email, PASSWORD)

    assert elsewhere.status_code == 302
    assert other_account.status_code == 302


@throttled
def test_a_successful_login_resets_the_count(client: Client, officer) -> None:
    for _ in range(4):
        attempt(client, officer.email, "falsch")
    assert attempt(client, officer.email, PASSWORD).status_code == 302
    assert not AccessAttempt.objects.exists()
    client.post(reverse("logout"))

    for _ in range(4):
        response = attempt(client, officer.email, "falsch")

    assert response.status_code == 200
    assert attempt(client, officer.email, PASSWORD).status_code == 302


@throttled
def test_the_admin_login_is_the_same_throttled_page(client: Client, officer) -> None:
    for _ in range(5):
        attempt(client, officer.email, "falsch")

    # The admin has no login form of its own that could be used to go on guessing.
    posted = client.post(reverse("admin:login"), {"username": officer.email, "password": PASSWORD})
    assert posted.status_code == 302
    assert posted["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session


@throttled
def test_a_new_password_from_the_mailed_link_lifts_the_lock(client: Client, officer) -> None:
    for _ in range(5):
        attempt(client, officer.email, "falsch")
    url = reverse(
        "password_reset_confirm",
        args=[
            urlsafe_base64_encode(force_bytes(officer.pk)),
            default_token_generator.make_token(officer),
        ],
    )
    form_url = client.get(url)["Location"]
    new = "ein-ganz-neues-passwort-2026"

    response = client.post(form_url, {"new_password1": new, "new_password2": new})

    assert response.status_code == 302
    assert attempt(client, officer.email, new).status_code == 302


def test_the_client_address_behind_trusted_proxies(rf: Any, settings: Any) -> None:
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 192.0.2.9")

    settings.ASSKOMM_TRUSTED_PROXIES = 0
    assert client_ip(request) == "10.0.0.2"
    settings.ASSKOMM_TRUSTED_PROXIES = 1
    # Only what the trusted proxy appended counts; "1.2.3.4" may have been written by the client.
    assert client_ip(request) == "192.0.2.9"
    settings.ASSKOMM_TRUSTED_PROXIES = 3
    assert client_ip(request) == "10.0.0.2"


# --- Two-factor login for staff -----------------------------------------------------------------


@two_factor
def test_staff_without_a_code_are_sent_to_set_up_the_app(client: Client, officer) -> None:
    client.force_login(officer)

    for page in ("/admin/", "/admin/zahlen/", "/admin/municipalities/municipality/", "/"):
        response = client.get(page)
        assert response.status_code == 302, page
        assert response["Location"].startswith(reverse("two_factor_setup")), page


@two_factor
def test_staff_set_up_the_app_and_get_in(client: Client, officer) -> None:
    client.force_login(officer)
    setup = client.get(reverse("two_factor_setup") + "?next=/admin/zahlen/")
    page = setup.content.decode()
    assert "Zwei-Faktor-Anmeldung einrichten" in page
    assert "<svg" in page
    assert "QR-Code für die Authenticator-App" in page
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    secret = page.split('id="two-factor-secret">')[1].split("<")[0]
    assert len(secret.replace(" ", "")) == 32  # the 20-byte key in Base32, to type in

    response = client.post(
        reverse("two_factor_setup"), {"code": code(device), "next": "/admin/zahlen/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/admin/zahlen/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/zahlen/").status_code == 200


@two_factor
def test_a_wrong_code_at_setup_is_explained_in_german(client: Client, officer) -> None:
    client.force_login(officer)
    client.get(reverse("two_factor_setup"))

    wrong = client.post(reverse("two_factor_setup"), {"code": "000000"})
    letters = client.post(reverse("two_factor_setup"), {"code": "abc"})

    assert "Dieser Code ist nicht korrekt" in wrong.content.decode()
    assert "Bitte geben Sie die sechs Ziffern ein" in letters.content.decode()
    assert not TOTPDevice.objects.filter(user=officer, confirmed=True).exists()
    assert client.get("/admin/").status_code == 302


@two_factor
def test_staff_with_an_app_enter_the_code_after_the_password(client: Client, officer) -> None:
    device = TOTPDevice.objects.create(user=officer, name="App", confirmed=True)

    logged_in = attempt(client, officer.email, PASSWORD)
    assert logged_in["Location"] == "/admin/"
    asked = client.get("/admin/")
    assert asked.status_code == 302
    assert asked["Location"] == reverse("two_factor_verify") + "?next=%2Fadmin%2F"
    page = client.get(asked["Location"]).content.decode()
    assert "Anmeldung bestätigen" in page

    response = client.post(reverse("two_factor_verify"), {"code": code(device), "next": "/admin/"})

    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


@two_factor
def test_a_wrong_code_keeps_the_admin_closed(client: Client, officer) -> None:
    TOTPDevice.objects.create(user=officer, name="App", confirmed=True)
    client.force_login(officer)

    response = client.post(reverse("two_factor_verify"), {"code": "123456", "next": "/admin/"})

    assert response.status_code == 200
    assert "Dieser Code ist nicht korrekt" in response.content.decode()
    assert client.get("/admin/").status_code == 302
    again = client.post(reverse("two_factor_verify"), {"code": "123456"})
    assert "Zu viele falsche Codes" in again.content.decode()  # throttled: 1 s, 2 s, 4 s, …


@two_factor
def test_a_password_alone_cannot_link_another_app(client: Client, officer) -> None:
    TOTPDevice.objects.create(user=officer, name="App", confirmed=True)
    client.force_login(officer)

    response = client.get(reverse("two_factor_setup"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_verify"))
    assert TOTPDevice.objects.filter(user=officer).count() == 1


@two_factor
def test_the_code_page_sends_only_to_this_site(client: Client, officer) -> None:
    device = TOTPDevice.objects.create(user=officer, name="App", confirmed=True)
    client.force_login(officer)

    response = client.post(
        reverse("two_factor_verify"), {"code": code(device), "next": "https://evil.example/"}
    )

    assert response["Location"] == "/admin/"


@two_factor
def test_coordinators_are_not_asked_for_a_code(client: Client) -> None:
    municipality = MunicipalityFactory()
    coordinator = UserFactory(roles=[Role.COORDINATOR])
    coordinator_assign(user=coordinator, municipality=municipality)
    client.force_login(coordinator)

    assert client.get(f"/kommune/{municipality.ags}/").status_code == 200
    assert client.get(reverse("two_factor_setup")).status_code == 403


@two_factor
def test_superusers_and_staff_flags_count_as_staff(client: Client) -> None:
    for user in (
        UserFactory(is_superuser=True),
        UserFactory(is_staff=True),
        UserFactory(roles=[Role.ADMINISTRATION]),
    ):
        client.force_login(user)
        assert client.get("/admin/")["Location"].startswith(reverse("two_factor_setup"))


def test_without_the_setting_staff_get_in_with_the_password(client: Client, officer) -> None:
    assert settings.ASSKOMM_REQUIRE_2FA is False
    client.force_login(officer)

    assert client.get("/admin/").status_code == 200


@two_factor
def test_reset_command_unlinks_the_app(client: Client, officer) -> None:
    TOTPDevice.objects.create(user=officer, name="App", confirmed=True)

    call_command("reset_two_factor", officer.email.upper())

    assert not TOTPDevice.objects.filter(user=officer).exists()
    client.force_login(officer)
    assert client.get("/admin/")["Location"].startswith(reverse("two_factor_setup"))


def test_admin_action_resets_the_app(client: Client, administrator, officer) -> None:
    TOTPDevice.objects.create(user=officer, name="App", confirmed=True)
    client.force_login(administrator)

    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [officer.pk]},
    )

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=officer).exists()


def test_production_requires_the_code_and_throttles() -> None:
    result = run_python(
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.ASSKOMM_REQUIRE_2FA, s.AXES_ENABLED, s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME)",
        {
            "DJANGO_SETTINGS_MODULE": "asskomm.settings.prod",
            "DJANGO_SECRET_KEY": "z" * 60,
            "DJANGO_ALLOWED_HOSTS": "portal.example",
        },
    )

    assert result.stdout.split() == ["True", "True", "5", "0:30:00"], result.stderr


# --- Security headers and the Content Security Policy ------------------------------------------


def test_every_page_carries_the_security_headers(client: Client) -> None:
    response = client.get("/")

    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["form-action"] == "'self'"
    assert policy["base-uri"] == "'self'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "camera=()" in response["Permissions-Policy"]
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


INLINE = [
    (re.compile(r"<style\b", re.I), "a <style> element"),
    (re.compile(r"\sstyle\s*=", re.I), "a style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "an on… event handler attribute"),
    (re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I), "an inline <script>"),
    (re.compile(r"javascript:", re.I), "a javascript: URL"),
]


def test_templates_hold_no_inline_script_or_style() -> None:
    """The CSP refuses them; PDF templates are rendered by WeasyPrint and are exempt."""
    found = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        if "pdf" in path.relative_to(ROOT).parts:
            continue
        text = path.read_text(encoding="utf-8")
        for pattern, what in INLINE:
            for match in pattern.finditer(text):
                found.append(f"{path.relative_to(ROOT)}: {what}: {match.group(0)!r}")

    assert found == []
