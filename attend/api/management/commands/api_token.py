"""`attend api_token create|list|revoke`: issue API tokens (the token is printed once), list and revoke them."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from attend.api.models import SCOPES, ApiToken
from attend.api.services import ApiTokenError, api_token_create, api_token_revoke, parse_scopes


class Command(BaseCommand):
    help = "Create, list or revoke API tokens (docs/api.md)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="issue a token and print it once")
        create.add_argument("--user", required=True, help="username the token acts as")
        create.add_argument("--scopes", required=True, help=f"comma-separated: {', '.join(SCOPES)}")
        create.add_argument("--name", default="", help="what uses it, e.g. 'MIS connector'")
        create.add_argument("--expires-days", type=int, default=90, help="days until it expires (default 90)")
        listing = sub.add_parser("list", help="list tokens (never their secrets)")
        listing.add_argument("--user", help="only this user's tokens")
        listing.add_argument("--all", action="store_true", help="include revoked and expired tokens")
        revoke = sub.add_parser("revoke", help="revoke a token at once")
        revoke.add_argument("prefix", help="the token's prefix (the 8 characters after 'att_')")

    def handle(self, *args, action: str, **options):
        try:
            getattr(self, f"_{action}")(**options)
        except ApiTokenError as exc:
            raise CommandError(str(exc)) from None

    def _create(self, *, user: str, scopes: str, name: str, expires_days: int, **_):
        account = get_user_model().objects.filter(username=user).first()
        if account is None:
            raise CommandError(f"no user called {user!r}")
        token, secret = api_token_create(
            user=account, scopes=parse_scopes(scopes), name=name, expires_days=expires_days
        )
        self.stderr.write(
            f"Token {token.prefix} for {account.username} ({', '.join(token.scopes)}), expires "
            f"{token.expires_at:%Y-%m-%d %H:%M %Z}. It is shown only now: store it as a secret."
        )
        self.stdout.write(secret)

    def _list(self, *, user: str | None = None, all: bool = False, **_):
        tokens = ApiToken.objects.select_related("user").order_by("user__username", "created_at")
        if user:
            tokens = tokens.filter(user__username=user)
        if not all:
            tokens = tokens.usable()
        for t in tokens:
            used = f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never"
            self.stdout.write(
                f"{t.prefix}  {t.user.username}  {t.status}  {','.join(t.scopes)}  "
                f"expires {t.expires_at:%Y-%m-%d}  last used {used}  {t.name}"
            )

    def _revoke(self, *, prefix: str, **_):
        token = ApiToken.objects.filter(prefix=prefix.removeprefix("att_")[:8]).first()
        if token is None:
            raise CommandError(f"no token with prefix {prefix!r}")
        api_token_revoke(token=token)
        self.stdout.write(f"Revoked {token.prefix} ({token.user.username}, {token.name}).")
