"""Issuing and revoking API tokens (the console command and the admin call these)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from attend import audit
from attend.accounts.permissions import has_permission

from .models import RESERVED_SCOPES, SCOPES, ApiToken

# Which permissions of the table (accounts/permissions.py) each scope's endpoints need; a token may only carry
# a scope whose endpoints its user's role could open. (A test checks every API view against this.)
SCOPE_PERMISSIONS: dict[str, frozenset[str]] = {
    "imports:write": frozenset({"import.run"}),
    "statistics:read": frozenset({"school.dashboard", "la.dashboard"}),
    "alerts:read": frozenset({"pupil.view"}),
    "pupils:read": frozenset({"pupil.view"}),
    "cases:read": frozenset({"cases.view"}),
    "cases:write": frozenset({"cases.write"}),
    "enforcement:read": frozenset({"enforcement.view"}),
    "enforcement:write": frozenset({"enforcement.issue"}),
}
MAX_DAYS = 366


class ApiTokenError(Exception):
    pass


def parse_scopes(text: str) -> list[str]:
    scopes = sorted({s.strip() for s in text.split(",") if s.strip()})
    if not scopes:
        raise ApiTokenError(f"Give at least one scope: {', '.join(SCOPES)}")
    for scope in scopes:
        if scope in RESERVED_SCOPES:
            raise ApiTokenError(
                f"Scope {scope!r} is reserved for a later release; scopes are: {', '.join(SCOPES)}"
            )
        if scope not in SCOPES:
            raise ApiTokenError(f"Unknown scope {scope!r}; scopes are: {', '.join(SCOPES)}")
    return scopes


@transaction.atomic
def api_token_create(*, user, scopes: list[str], name: str = "", expires_days: int = 90, by=None):
    """Issue a token for `user`; returns (token, full token string). The string is shown once and not kept."""
    if not user.is_active:
        raise ApiTokenError(f"{user.get_username()} is not an active user")
    if not 1 <= expires_days <= MAX_DAYS:
        raise ApiTokenError(f"A token lasts between 1 and {MAX_DAYS} days, not {expires_days}")
    for scope in scopes:
        if scope not in SCOPES:
            raise ApiTokenError(f"Unknown scope {scope!r}; scopes are: {', '.join(SCOPES)}")
        if not any(has_permission(user, p) for p in SCOPE_PERMISSIONS[scope]):
            needed = " or ".join(sorted(SCOPE_PERMISSIONS[scope]))
            raise ApiTokenError(
                f"{user.get_username()}'s role does not allow {scope!r} (it needs {needed}; see docs/security.md)"
            )
    token, secret = ApiToken.objects.issue(
        user=user,
        name=name or "API token",
        scopes=scopes,
        expires_at=timezone.now() + dt.timedelta(days=expires_days),
    )
    audit.record(
        "api.token.created",
        by=by,
        obj=token,
        data={"user": user.get_username(), "prefix": token.prefix, "scopes": token.scopes},
    )
    return token, secret


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by=None) -> ApiToken:
    """Revoke a token at once (idempotent). Revoked tokens are kept, so the trail can name them."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_by = by if by is not None and by.is_authenticated else None
        token.save(update_fields=["revoked_at", "revoked_by"])
        audit.record(
            "api.token.revoked",
            by=by,
            obj=token,
            data={"user": token.user.get_username(), "prefix": token.prefix},
        )
    return token
