"""Sign-in throttling: lock a username + address pair after repeated failures.

NCSC password guidance recommends throttling or lockout over complex password rules; locking the pair (not the
account) stops guessing without letting an attacker lock a colleague out from elsewhere.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import SignInThrottle


def _key(username: str, ip: str) -> tuple[str, str]:
    return (username or "").strip().lower()[:150], (ip or "unknown")[:45]


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""


def locked_until(username: str, ip: str) -> dt.datetime | None:
    """When the lock on this username + address ends, or None if it may try now."""
    name, addr = _key(username, ip)
    row = SignInThrottle.objects.filter(username=name, ip=addr, locked_until__gt=timezone.now()).first()
    return row.locked_until if row else None


@transaction.atomic
def register_failure(username: str, ip: str) -> SignInThrottle:
    """Count one failure; the `ATTEND_SIGN_IN_MAX_FAILURES`th within the lock period locks the pair."""
    name, addr = _key(username, ip)
    now = timezone.now()
    period = dt.timedelta(seconds=settings.ATTEND_SIGN_IN_LOCK_SECONDS)
    row, _ = SignInThrottle.objects.select_for_update().get_or_create(
        username=name, ip=addr, defaults={"last_failure_at": now}
    )
    if row.failures and now - row.last_failure_at > period:
        row.failures = 0  # Old failures no longer count.
    row.failures += 1
    row.last_failure_at = now
    if row.failures >= settings.ATTEND_SIGN_IN_MAX_FAILURES:
        row.locked_until = now + period
        row.failures = 0
    row.save()
    return row


def clear(username: str, ip: str) -> None:
    name, addr = _key(username, ip)
    SignInThrottle.objects.filter(username=name, ip=addr).delete()
