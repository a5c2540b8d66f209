from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone

from attend import audit

from . import throttle


class SignInForm(AuthenticationForm):
    """Django's sign-in form, refusing a username + address pair that failed too often (see throttle.py)."""

    def _locked_error(self, until) -> forms.ValidationError:
        return forms.ValidationError(
            "Too many failed attempts to sign in. For your security, signing in as this user from this device "
            "is paused until %(time)s. Try again then, or ask your system administrator to help.",
            code="locked",
            params={"time": timezone.localtime(until).strftime("%H:%M")},
        )

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        ip = throttle.client_ip(self.request)
        until = throttle.locked_until(username, ip) if username else None
        if until is not None:
            audit.record("accounts.sign_in.refused", request=self.request, data={"username": username})
            raise self._locked_error(until)
        try:
            return super().clean()
        except forms.ValidationError as error:
            if username and error.code == "invalid_login":
                row = throttle.register_failure(username, ip)
                if row.locked_until is not None:
                    audit.record(
                        "accounts.sign_in.locked",
                        request=self.request,
                        data={"username": username, "minutes": settings.ATTEND_SIGN_IN_LOCK_SECONDS // 60},
                    )
                    raise self._locked_error(row.locked_until) from None
            raise

    def get_user(self):
        user = super().get_user()
        if user is not None:
            throttle.clear(self.cleaned_data.get("username") or "", throttle.client_ip(self.request))
        return user
