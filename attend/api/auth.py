"""Who is calling and what they may do: bearer tokens, then token scope AND role permission (deny by default).

Row scope (which schools and pupils) is applied by each view through attend.core.scoping, as the web pages do.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.throttling import SimpleRateThrottle

from attend.accounts.permissions import has_permission

from .models import ApiToken

# Writing last_used_at on every request would turn each read into a write; a minute's precision is enough.
LAST_USED_PRECISION = dt.timedelta(minutes=1)


class BearerTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer att_<prefix>_<secret>`. Unknown, wrong, expired or revoked tokens get 401."""

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != b"bearer":
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Send one token: 'Authorization: Bearer <token>'.")
        try:
            raw = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("Invalid token.") from None
        token = ApiToken.objects.find(raw)
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid token.")
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed("This token has been revoked.")
        if token.is_expired:
            raise exceptions.AuthenticationFailed("This token has expired; ask for a new one.")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("The token's user account is not active.")
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request) -> str:
        # Makes DRF answer 401 (not 403) to requests without a token.
        return 'Bearer realm="attend"'


class TokenScopeAndRole(BasePermission):
    """The view's token scope AND the user's role permission from the one table. A view that declares either
    one as empty is refused to everyone (deny by default). For writes (POST), a view may declare its own pair:
    `write_token_scope` and `write_permission` (e.g. cases:write and cases.write beside cases:read and
    cases.view)."""

    message = "Not allowed."

    def has_permission(self, request, view) -> bool:
        permission = getattr(view, "attend_permission", "")
        scope = getattr(view, "token_scope", "")
        if request.method not in SAFE_METHODS and getattr(view, "write_token_scope", ""):
            # A view that reads and writes (GET and POST on one URL) declares the writing pair separately.
            permission, scope = getattr(view, "write_permission", ""), view.write_token_scope
        token = request.auth
        if not permission or not scope or not isinstance(token, ApiToken):
            return False
        if not token.allows(scope):
            self.message = f"This token does not have the {scope!r} scope."
            return False
        if not has_permission(request.user, permission):
            self.message = f"Your role does not allow this (it needs the {permission!r} permission)."
            return False
        return True


class TokenRateThrottle(SimpleRateThrottle):
    """Requests per token, per kind of request (`read` or `import`); rates in settings.ATTEND_API_RATES."""

    scope = "read"

    def __init__(self):
        # Read per request (not at import), so settings can be changed in tests and by environment.
        pass

    def allow_request(self, request, view):
        self.scope = getattr(view, "throttle_kind", "read")
        self.rate = settings.ATTEND_API_RATES.get(self.scope)
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, ApiToken):
            return None  # unauthenticated requests are refused before any work
        return self.cache_format % {"scope": f"api_{self.scope}", "ident": request.auth.pk}
