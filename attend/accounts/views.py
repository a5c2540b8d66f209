from base64 import b32encode

import segno
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from attend import audit

from . import two_factor as two_factor_codes
from .forms import SignInForm
from .permissions import permission_required_for, public


class SignInView(auth_views.LoginView):
    template_name = "core/sign_in.html"
    form_class = SignInForm
    redirect_authenticated_user = True


sign_in = public(SignInView.as_view())
sign_out = public(auth_views.LogoutView.as_view())


@permission_required_for("account.two_factor")
def two_factor(request: HttpRequest) -> HttpResponse:
    """Enter a one-time code (or a recovery code); on first use, set up an authenticator app (an unconfirmed
    device until a code from it is accepted), then show the recovery codes once."""
    user = request.user
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=request.is_secure()):
        next_url = ""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    setting_up = device is None
    if setting_up:
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first() or TOTPDevice.objects.create(
            user=user, name="Authenticator app", confirmed=False
        )
    error = ""
    if request.method == "POST":
        token = "".join(request.POST.get("token", "").split())
        allowed, locked_error = two_factor_codes.code_allowed(device)
        if not setting_up and two_factor_codes.looks_like_recovery_code(token):
            # A recovery code, accepted only once an app is set up (setting up must prove the new app works).
            allowed, error = two_factor_codes.recovery_code_allowed(user)
            recovery = two_factor_codes.use_recovery_code(user, token) if allowed else None
            if recovery is not None:
                otp_login(request, recovery)
                left = two_factor_codes.recovery_codes_left(user)
                audit.record(
                    "accounts.two_factor.recovery_code_used", request=request, obj=user, data={"left": left}
                )
                if left <= 3:
                    messages.warning(
                        request,
                        f"You have {left} recovery code{'s' if left != 1 else ''} left. Make a new set on the "
                        "recovery codes page.",
                    )
                return redirect(next_url or "home")
            if allowed:
                audit.record(
                    "accounts.two_factor.failed", request=request, obj=user, data={"kind": "recovery"}
                )
                error = "That recovery code is not right, or it has been used already."
        elif not allowed:
            error = locked_error
        elif token.isdigit() and device.verify_token(token):
            otp_login(request, device)
            if setting_up:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                audit.record("accounts.two_factor.enrolled", request=request, obj=user)
                audit.record("accounts.two_factor.verified", request=request, obj=user)
                codes = two_factor_codes.make_recovery_codes(user)
                audit.record("accounts.recovery_codes.made", request=request, obj=user)
                return render(
                    request,
                    "accounts/recovery_codes.html",
                    {"codes": codes, "next": next_url or "/", "new": True},
                )
            audit.record("accounts.two_factor.verified", request=request, obj=user)
            return redirect(next_url or "home")
        else:
            audit.record("accounts.two_factor.failed", request=request, obj=user)
            error = "That code is not right. Enter the 6-digit code your authenticator app shows now."
    context = {"setting_up": setting_up, "error": error, "next": next_url}
    if setting_up:
        context["secret"] = b32encode(device.bin_key).decode()
        context["qr_data_uri"] = segno.make(device.config_url).svg_data_uri(scale=4)
    return render(request, "accounts/two_factor.html", context)


@permission_required_for("account.recovery_codes")
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """How many recovery codes are left; a button makes a new set (shown once), which voids the old one.
    Only for a session that has passed two-factor with an authenticator app set up."""
    user = request.user
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists() or not user.is_verified():
        return redirect(f"{reverse('two-factor')}?next={reverse('two-factor-recovery-codes')}")
    if request.method == "POST":
        codes = two_factor_codes.make_recovery_codes(user)
        audit.record("accounts.recovery_codes.made", request=request, obj=user)
        return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": "/", "new": False})
    return render(
        request, "accounts/recovery_codes_manage.html", {"left": two_factor_codes.recovery_codes_left(user)}
    )


@permission_required_for("account.password")
def password_change(request: HttpRequest) -> HttpResponse:
    """Every user changes their own password here (their old one first). The session stays signed in."""
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        audit.record("accounts.password.changed", request=request, obj=user)
        return render(request, "accounts/password_change.html", {"form": form, "changed": True})
    return render(request, "accounts/password_change.html", {"form": form, "changed": False})


def first_password_response(request: HttpRequest, *, person, password: str, next_url: str) -> HttpResponse:
    """A new user's first password, in this one response only: never in a message cookie, never cached."""
    response = render(
        request, "accounts/first_password.html", {"person": person, "password": password, "next": next_url}
    )
    response["Cache-Control"] = "no-store"
    return response
