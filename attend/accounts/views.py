from base64 import b32encode

import segno
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from attend import audit

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
    """Enter a one-time code; on first use, set up an authenticator app (an unconfirmed device until a code
    from it is accepted)."""
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
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            error = "Too many wrong codes. Wait a minute, then try again."
        elif token.isdigit() and device.verify_token(token):
            if setting_up:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                audit.record("accounts.two_factor.enrolled", request=request, obj=user)
            otp_login(request, device)
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
