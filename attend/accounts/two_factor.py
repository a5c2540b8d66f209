"""Two-factor authentication with time-based one-time codes (TOTP, RFC 6238) from django-otp.

Required for every signed-in user when ATTEND_REQUIRE_2FA is on (the default with ATTEND_SECURE=1); a user who
has set up a device is asked for a code even when it is off.
"""

from __future__ import annotations

from django.conf import settings
from django_otp import devices_for_user


def has_device(user) -> bool:
    cached = getattr(user, "_attend_has_otp_device", None)
    if cached is None:
        cached = any(True for _ in devices_for_user(user, confirmed=True))
        user._attend_has_otp_device = cached
    return cached


def needs_verification(user) -> bool:
    """True if this signed-in user must still enter a one-time code in this session."""
    if not user.is_authenticated:
        return False
    is_verified = getattr(user, "is_verified", None)
    if is_verified is not None and is_verified():
        return False
    return settings.ATTEND_REQUIRE_2FA or has_device(user)
