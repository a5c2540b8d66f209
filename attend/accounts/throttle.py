"""Sign-in throttling: lock a username + address pair after repeated failures, and a whole address after many.

NCSC password guidance recommends throttling or lockout over complex password rules; locking the pair (not the
account) stops guessing without letting an attacker lock a colleague out from elsewhere. The address limit
(`ATTEND_SIGN_IN_MAX_FAILURES_PER_ADDRESS`, counted over every username) stops one address trying a few passwords
on each of many usernames. Its row has the username `*`. A successful sign-in clears its own pair, never the
address row, so one working account does not reset the count of guesses at the others.

The failures are counted here, not one audit event each: the audit trail gets the first failure of a pair in a
lock period, each lock, and the first refusal while locked (see forms.SignInForm), so it grows with the number
of locks, not with the number of guesses. Rows older than the lock period are removed as new failures come.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from attend.audit.services import client_ip  # noqa: F401  (one answer to "which address", re-exported)

from .models import SignInThrottle

EVERY_USERNAME = "*"  # the address row (no username can contain "*")


def _key(username: str, ip: str) -> tuple[str, str]:
    return (username or "").strip().lower()[:150], (ip or "unknown")[:45]


def _period() -> dt.timedelta:
    return dt.timedelta(seconds=settings.ATTEND_SIGN_IN_LOCK_SECONDS)


def locked_until(username: str, ip: str) -> dt.datetime | None:
    """When the lock on this username + address (or on the whole address) ends, or None if it may try now."""
    name, addr = _key(username, ip)
    rows = SignInThrottle.objects.filter(
        Q(username=name) | Q(username=EVERY_USERNAME), ip=addr, locked_until__gt=timezone.now()
    )
    return max((row.locked_until for row in rows), default=None)


@dataclass
class Failure:
    first: bool  # the first failure of this pair in the period (audited)
    locked: SignInThrottle | None  # the row that this failure locked (pair or address), if any


def _count(row: SignInThrottle, now, limit: int) -> bool:
    """Add one failure to `row`; True if that locks it."""
    if row.failures and now - row.last_failure_at > _period():
        row.failures = 0  # Old failures no longer count.
    row.failures += 1
    row.last_failure_at = now
    locks = row.failures >= limit
    if locks:
        row.locked_until = now + _period()
        row.failures = row.refused = 0
    row.save()
    return locks


@transaction.atomic
def register_failure(username: str, ip: str) -> Failure:
    """Count one failure for the pair and the address; the limit-th within the lock period locks it."""
    name, addr = _key(username, ip)
    now = timezone.now()
    SignInThrottle.objects.filter(last_failure_at__lt=now - _period()).exclude(locked_until__gt=now).delete()
    pair, _ = SignInThrottle.objects.select_for_update().get_or_create(
        username=name, ip=addr, defaults={"last_failure_at": now}
    )
    address, _ = SignInThrottle.objects.select_for_update().get_or_create(
        username=EVERY_USERNAME, ip=addr, defaults={"last_failure_at": now}
    )
    first = pair.failures == 0 or now - pair.last_failure_at > _period()
    pair_locked = _count(pair, now, settings.ATTEND_SIGN_IN_MAX_FAILURES)
    address_locked = _count(address, now, settings.ATTEND_SIGN_IN_MAX_FAILURES_PER_ADDRESS)
    return Failure(first=first, locked=address if address_locked else pair if pair_locked else None)


def register_refusal(username: str, ip: str) -> bool:
    """Count one attempt refused by a lock; True for the first one of this lock (audited)."""
    name, addr = _key(username, ip)
    rows = SignInThrottle.objects.filter(
        Q(username=name) | Q(username=EVERY_USERNAME), ip=addr, locked_until__gt=timezone.now()
    )
    first = False
    for row in rows:
        first = first or row.refused == 0
        SignInThrottle.objects.filter(pk=row.pk).update(refused=row.refused + 1)
    return first


def clear(username: str, ip: str) -> None:
    name, addr = _key(username, ip)
    SignInThrottle.objects.filter(username=name, ip=addr).delete()
