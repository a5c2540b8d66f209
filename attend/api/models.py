"""API tokens: a short public prefix and a SHA-256 hash of the secret (the secret itself is never stored)."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

# What a token may be used for. The user's role (accounts/permissions.py) and row scope (core/scoping.py) still
# apply: a scope only narrows what the user could do anyway.
SCOPES: dict[str, str] = {
    "imports:write": "Import register files (POST imports/) and read import runs.",
    "statistics:read": "List schools in scope and read their DfE attendance statistics (and the LA's).",
    "alerts:read": "Read alerts raised by the identification rules.",
    "pupils:read": "Read one pupil's year-to-date attendance by UPN.",
    "cases:read": "Read cases in scope and their chronology (restricted notes only for safeguarding roles).",
    "cases:write": "Open cases for pupils on roll in scope and add chronology entries to cases you may write.",
    "enforcement:read": "Read penalty notices at schools in scope (criminal-offence data: every read is audited).",
    "enforcement:write": "Issue penalty notices (if authorised under s444B) and record payments on them.",
}
RESERVED_SCOPES: frozenset[str] = frozenset()

TOKEN_TAG = "att"


def hash_secret(secret: str) -> str:
    # The secret is 32 random bytes, so a fast hash is enough: there is nothing to guess by brute force.
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def usable(self):
        now = timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)

    def issue(self, *, user, name: str, scopes: list[str], expires_at) -> tuple[ApiToken, str]:
        """Create a token and return it with the full token string (shown once; only its hash is kept).

        No policy here: services.api_token_create checks the scopes against the user's role first."""
        for _ in range(5):
            prefix = secrets.token_hex(4)
            if not self.filter(prefix=prefix).exists():
                break
        secret = secrets.token_urlsafe(32)
        token = self.create(
            user=user,
            name=name,
            prefix=prefix,
            secret_hash=hash_secret(secret),
            scopes=sorted(set(scopes)),
            expires_at=expires_at,
        )
        return token, f"{TOKEN_TAG}_{prefix}_{secret}"

    def find(self, raw: str) -> ApiToken | None:
        """The token whose prefix and secret match `raw` (any state), or None. Compared in constant time."""
        tag, _, rest = raw.partition("_")
        prefix, _, secret = rest.partition("_")
        if tag != TOKEN_TAG or len(prefix) != 8 or not secret:
            return None
        token = self.select_related("user").filter(prefix=prefix).first()
        if token is None:
            hmac.compare_digest(hash_secret(secret), "0" * 64)  # same work whether or not the prefix exists
            return None
        if not hmac.compare_digest(hash_secret(secret), token.secret_hash):
            return None
        return token


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What uses the token, e.g. 'MIS connector'")
    prefix = models.CharField(max_length=8, unique=True, help_text="Public part of the token, for logs")
    secret_hash = models.CharField(max_length=64, help_text="SHA-256 of the secret part")
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.prefix} ({self.name}, {self.user})"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def status(self) -> str:
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if self.is_expired else "active"

    def allows(self, scope: str) -> bool:
        return scope in self.scopes
