from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone

from attend import audit

from . import throttle


class SignInForm(AuthenticationForm):
    """Django's sign-in form, refusing a username + address pair, or an address, that failed too often (see
    throttle.py). Failures are counted there; the audit trail gets the first of each pair, locks and the first
    refusal of each lock, so guessing cannot grow it without bound.

    The errors are in plain words (issue 23), not Django's stock "Please enter a correct username and password.
    Note that both fields may be case-sensitive."."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Enter a correct username and password.",
        "inactive": "This account cannot sign in. Ask your system administrator to help.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username."
        self.fields["password"].error_messages["required"] = "Enter your password."

    def _locked_error(self, until) -> forms.ValidationError:
        return forms.ValidationError(
            "Too many failed attempts to sign in. For your security, signing in as this user from this device "
            "is paused until %(time)s. Try again then, or ask your system administrator to help.",
            code="locked",
            params={"time": timezone.localtime(until).strftime("%H:%M")},
        )

    def clean(self):
        username = (self.cleaned_data.get("username") or "")[:150]
        ip = throttle.client_ip(self.request)
        until = throttle.locked_until(username, ip) if username else None
        if until is not None:
            if throttle.register_refusal(username, ip):
                audit.record("accounts.sign_in.refused", request=self.request, data={"username": username})
            raise self._locked_error(until)
        try:
            return super().clean()
        except forms.ValidationError as error:
            if username and error.code == "invalid_login":
                self._count_failure(username, ip)
            raise

    def _count_failure(self, username: str, ip: str) -> None:
        failure = throttle.register_failure(username, ip)
        if failure.first:
            audit.record("accounts.sign_in.failed", request=self.request, data={"username": username})
        if failure.locked is None:
            return
        minutes = settings.ATTEND_SIGN_IN_LOCK_SECONDS // 60
        if failure.locked.username == throttle.EVERY_USERNAME:
            limit = settings.ATTEND_SIGN_IN_MAX_FAILURES_PER_ADDRESS
            audit.record(
                "accounts.sign_in.address_locked",
                request=self.request,
                data={"failures": limit, "minutes": minutes},
            )
        else:
            limit = settings.ATTEND_SIGN_IN_MAX_FAILURES
            audit.record(
                "accounts.sign_in.locked",
                request=self.request,
                data={"username": username, "minutes": minutes, "failures": limit},
            )
        raise self._locked_error(failure.locked.locked_until) from None

    def get_user(self):
        user = super().get_user()
        if user is not None:
            throttle.clear(self.cleaned_data.get("username") or "", throttle.client_ip(self.request))
        return user
