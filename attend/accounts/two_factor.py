"""Two-factor authentication with time-based one-time codes (TOTP, RFC 6238) from django-otp.

Required for every signed-in user when ATTEND_REQUIRE_2FA is on (the default with ATTEND_SECURE=1); a user who
has set up a device is asked for a code even when it is off. Setting up the app also makes ten single-use recovery
codes, accepted at the same prompt when the phone is lost; a new set voids the old one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import secrets
from base64 import b32encode

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken


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


# ----- recovery codes (django-otp's static tokens): for when the phone is lost, without waiting for an administrator

RECOVERY_CODES = 10
RECOVERY_DEVICE_NAME = "Recovery codes"


def _normalise(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def _stored_form(code: str) -> str:
    """What the database holds for a code: a SHA-256 digest (16 hex digits fit django-otp's token column), never
    the code itself, so a copy of the database does not give away anyone's second factor. Codes carry 80 random
    bits, so the digest cannot be reversed by trying them all."""
    return hashlib.sha256(_normalise(code).encode()).hexdigest()[:16]


def looks_like_recovery_code(text: str) -> bool:
    return len(_normalise(text)) == 16


def make_recovery_codes(user) -> list[str]:
    """A new set of single-use codes for `user`, replacing (voiding) any earlier set. Shown once: only digests
    are stored."""
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = b32encode(secrets.token_bytes(10)).decode().lower()  # 16 characters, 80 bits
        codes.append("-".join(raw[i : i + 4] for i in range(0, 16, 4)))
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
        StaticToken.objects.bulk_create(StaticToken(device=device, token=_stored_form(c)) for c in codes)
    user._attend_has_otp_device = True
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def use_recovery_code(user, code: str) -> StaticDevice | None:
    """The user's recovery-code device if `code` is one of their unused codes (which is then used up), else None.
    Wrong codes are throttled by django-otp, like wrong app codes."""
    device = StaticDevice.objects.filter(user=user, confirmed=True).first()
    if device is None or not looks_like_recovery_code(code):
        return None
    return device if device.verify_token(_stored_form(code)) else None


def recovery_code_allowed(user) -> tuple[bool, str]:
    device = StaticDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return True, ""
    return code_allowed(device)


# ----- throttling: by the number of wrong codes, not by the time between attempts


def code_allowed(device) -> tuple[bool, str]:
    """(may this device be tried now, the error if not). ATTEND_2FA_MAX_FAILURES wrong codes in a row (django-otp
    counts them on the device; a right code resets the count) lock it for ATTEND_2FA_LOCK_SECONDS from the last
    one; after that the count starts again. A typo followed at once by the right code is never refused."""
    failures = device.throttling_failure_count
    if failures < settings.ATTEND_2FA_MAX_FAILURES or device.throttling_failure_timestamp is None:
        return True, ""
    until = device.throttling_failure_timestamp + dt.timedelta(seconds=settings.ATTEND_2FA_LOCK_SECONDS)
    left = (until - timezone.now()).total_seconds()
    if left <= 0:
        device.throttle_reset()
        return True, ""
    minutes = max(1, math.ceil(left / 60))
    return False, (
        f"You entered a wrong code {failures} times. For your security, wait {minutes} "
        f"minute{'s' if minutes != 1 else ''}, then try again."
    )
