"""Sign-in and sign-out go to the audit trail (Django's auth signals are the one place these happen)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from attend import audit


@receiver(user_logged_in, dispatch_uid="attend_audit_signed_in")
def signed_in(sender, request, user, **kwargs):
    audit.record("accounts.sign_in.succeeded", by=user, obj=user, request=request)


@receiver(user_logged_out, dispatch_uid="attend_audit_signed_out")
def signed_out(sender, request, user, **kwargs):
    if user is not None:
        audit.record("accounts.sign_out.succeeded", by=user, obj=user, request=request)


@receiver(user_login_failed, dispatch_uid="attend_audit_sign_in_failed")
def sign_in_failed(sender, credentials, request=None, **kwargs):
    # Never store the password attempt: Django masks it in `credentials`, but keep only the username anyway.
    audit.record(
        "accounts.sign_in.failed", request=request, data={"username": credentials.get("username", "")}
    )
