"""Setting a password from an invitation link; the second step of a staff login (TOTP)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from .backends import BACKEND
from .forms import TwoFactorCodeForm
from .models import User
from .services import (
    invitation_accept,
    invitation_for_token,
    login_lock_lift,
    two_factor_device_confirm,
    two_factor_device_for_setup,
)
from .two_factor import (
    confirmed_device,
    is_verified,
    qr_code_svg,
    secret_for_typing,
    two_factor_applies,
)


@never_cache
@sensitive_post_parameters("new_password1", "new_password2")
@require_http_methods(["GET", "POST"])
def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    """An invited person sets their password once, and is logged in."""
    invitation = invitation_for_token(token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=410)
    form = SetPasswordForm(invitation.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitation_accept(token=token, password=form.cleaned_data["new_password1"])
        except ValidationError:
            return render(request, "accounts/invitation_invalid.html", status=410)
        login(request, user, backend=BACKEND)
        messages.success(request, _("Your password is set. Welcome to the ASSKomm portal."))
        return redirect("home")
    return render(
        request, "accounts/invitation_accept.html", {"form": form, "invitee": invitation.user}
    )


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Setting a new password from the mailed link also lifts a lock after wrong passwords."""

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        login_lock_lift(user=form.user)
        return response


def _next_url(request: HttpRequest) -> str:
    """Where to go after the code: the page asked for, if it is on this site; else the admin."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("admin:index")


def _code_accepted(form: TwoFactorCodeForm, device: TOTPDevice, *, confirm: bool) -> bool:
    """Check the code against ``device``; puts a German error on the form when it fails."""
    allowed, _details = device.verify_is_allowed()
    if not allowed:
        form.add_error(
            "code",
            _(
                "Too many wrong codes in a row. Please wait a few seconds and enter the current "
                "code."
            ),
        )
        return False
    code = form.cleaned_data["code"]
    accepted = (
        two_factor_device_confirm(device=device, token=code)
        if confirm
        else device.verify_token(code)
    )
    if not accepted:
        form.add_error(
            "code",
            _(
                "This code is not correct. Please enter the code the app shows right now; it "
                "changes every 30 seconds. Check that the clock of your phone is right."
            ),
        )
    return accepted


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify_view(request: HttpRequest) -> HttpResponse:
    """Second step of a staff login: the code from the authenticator app."""
    user = request.user
    if not two_factor_applies(user):
        raise PermissionDenied
    next_url = _next_url(request)
    if is_verified(user):
        return redirect(next_url)
    device = confirmed_device(user)
    if device is None:
        return redirect(f"{reverse('two_factor_setup')}?{urlencode({'next': next_url})}")
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _code_accepted(form, device, confirm=False):
        otp_login(request, device)
        return redirect(next_url)
    return render(request, "registration/two_factor_verify.html", {"form": form, "next": next_url})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup_view(request: HttpRequest) -> HttpResponse:
    """A staff user without a device links an authenticator app and confirms it with a code.

    Only while no device is confirmed: replacing a device needs an administrator (reset), so a
    stolen password alone never lets anybody link an app of their own.
    """
    user = request.user
    if not two_factor_applies(user):
        raise PermissionDenied
    next_url = _next_url(request)
    if confirmed_device(user) is not None:
        if is_verified(user):
            messages.info(request, _("Two-factor login is already set up for your account."))
            return redirect(next_url)
        return redirect(f"{reverse('two_factor_verify')}?{urlencode({'next': next_url})}")
    assert isinstance(user, User)  # noqa: S101 - login_required and two_factor_applies
    device = two_factor_device_for_setup(user=user)
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _code_accepted(form, device, confirm=True):
        otp_login(request, device)
        messages.success(
            request,
            _(
                "Two-factor login is set up. From now on, enter a code from the app after your "
                "password."
            ),
        )
        return redirect(next_url)
    return render(
        request,
        "registration/two_factor_setup.html",
        {
            "form": form,
            "next": next_url,
            "qr_code": qr_code_svg(device),
            "secret": secret_for_typing(device),
        },
    )
