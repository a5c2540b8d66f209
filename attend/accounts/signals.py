"""Sign-in and sign-out go to the audit trail (Django's auth signals are the one place these happen)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from attend import audit


@receiver(user_logged_in, dispatch_uid="attend_audit_signed_in")
def signed_in(sender, request, user, **kwargs):
    audit.record("accounts.sign_in.succeeded", by=user, obj=user, request=request)


@receiver(user_logged_out, dispatch_uid="attend_audit_signed_out")
def signed_out(sender, request, user, **kwargs):
    if user is not None:
        audit.record("accounts.sign_out.succeeded", by=user, obj=user, request=request)


# Failed sign-ins are counted by accounts/throttle.py and audited in aggregate by forms.SignInForm (issue 14).
