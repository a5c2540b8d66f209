"""Token lifecycle: issue (shown once, only a hash kept), use, wrong secret, expiry, revocation, the command."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from attend.api.models import ApiToken
from attend.api.services import ApiTokenError, api_token_create, api_token_revoke, parse_scopes
from attend.audit.models import AuditEvent

from .factories import bearer, token_for

SCHOOLS = "/api/v1/schools/"


def test_a_token_is_shown_once_and_only_its_hash_is_kept(world, client):
    token, secret = api_token_create(
        user=world["la_officer"], scopes=["statistics:read"], name="MIS connector"
    )
    tag, prefix, rest = secret.split("_", 2)
    assert (tag, prefix) == ("att", token.prefix)
    assert len(rest) >= 43  # 32 random bytes, base64url
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.secret_hash == hashlib.sha256(rest.encode()).hexdigest()
    assert rest not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    assert stored.expires_at - timezone.now() > dt.timedelta(days=89)
    assert AuditEvent.objects.filter(action="api.token.created", object_id=str(token.pk)).exists()

    response = client.get(SCHOOLS, headers=bearer(secret))
    assert response.status_code == 200
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None


@pytest.mark.parametrize(
    "header",
    [
        "Bearer att_00000000_nosuchsecret",
        "Bearer nonsense",
        "Bearer",
        "Bearer a b",
        "Token whatever",
    ],
)
def test_unknown_or_malformed_tokens_get_401_json(world, client, header):
    response = client.get(SCHOOLS, HTTP_AUTHORIZATION=header)
    # "Token ..." is not ours: no credentials at all, which is also a 401.
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert response.json()["status"] == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_wrong_secret_with_a_real_prefix_is_refused(world, client):
    secret = token_for(world["la_officer"])
    tag, prefix, rest = secret.split("_", 2)
    wrong = f"{tag}_{prefix}_{rest[:-1]}{'A' if rest[-1] != 'A' else 'B'}"
    response = client.get(SCHOOLS, headers=bearer(wrong))
    assert response.status_code == 401
    assert response.json()["detail"] == "Invalid token."


def test_expired_and_revoked_tokens_are_refused(world, client):
    secret = token_for(world["la_officer"])
    token = ApiToken.objects.get(prefix=secret.split("_")[1])
    assert client.get(SCHOOLS, headers=bearer(secret)).status_code == 200

    token.expires_at = timezone.now() - dt.timedelta(seconds=1)
    token.save()
    response = client.get(SCHOOLS, headers=bearer(secret))
    assert response.status_code == 401 and "expired" in response.json()["detail"]

    token.expires_at = timezone.now() + dt.timedelta(days=1)
    token.save()
    api_token_revoke(token=token, by=world["system_admin"])
    response = client.get(SCHOOLS, headers=bearer(secret))
    assert response.status_code == 401 and "revoked" in response.json()["detail"]
    assert AuditEvent.objects.filter(action="api.token.revoked", actor=world["system_admin"]).exists()


def test_a_deactivated_user_s_token_stops_working(world, client):
    secret = token_for(world["la_officer"])
    world["la_officer"].is_active = False
    world["la_officer"].save()
    assert client.get(SCHOOLS, headers=bearer(secret)).status_code == 401


def test_a_signed_in_session_is_not_accepted_by_the_api(world, client):
    client.force_login(world["la_officer"])
    response = client.get(SCHOOLS)
    assert response.status_code == 401
    assert "Location" not in response  # never a sign-in redirect


def test_scopes_must_be_known_and_allowed_by_the_role(world):
    assert parse_scopes("alerts:read, statistics:read") == ["alerts:read", "statistics:read"]
    for bad in ("", "everything", "cases:admin"):
        with pytest.raises(ApiTokenError):
            parse_scopes(bad)
    with pytest.raises(ApiTokenError, match="does not allow 'imports:write'"):
        api_token_create(user=world["class_teacher"], scopes=["imports:write"])
    with pytest.raises(ApiTokenError, match="does not allow 'statistics:read'"):
        api_token_create(user=world["social_worker"], scopes=["statistics:read"])
    with pytest.raises(ApiTokenError, match="between 1 and 366"):
        api_token_create(user=world["la_officer"], scopes=["alerts:read"], expires_days=1000)
    assert not ApiToken.objects.exists()


def test_the_console_command_creates_lists_and_revokes(world, client):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "api_token", "create", "--user", "school_officer", "--scopes", "imports:write,statistics:read",
        "--name", "SIMS connector", stdout=out, stderr=err,
    )  # fmt: skip
    secret = out.getvalue().strip()
    prefix = secret.split("_")[1]
    assert "shown only now" in err.getvalue()
    assert client.get(SCHOOLS, headers=bearer(secret)).status_code == 200

    listing = io.StringIO()
    call_command("api_token", "list", stdout=listing)
    assert prefix in listing.getvalue() and "SIMS connector" in listing.getvalue()
    assert secret.split("_", 2)[2] not in listing.getvalue()

    call_command("api_token", "revoke", prefix, stdout=io.StringIO())
    assert client.get(SCHOOLS, headers=bearer(secret)).status_code == 401
    listing = io.StringIO()
    call_command("api_token", "list", stdout=listing)
    assert prefix not in listing.getvalue()
    call_command("api_token", "list", "--all", stdout=listing)
    assert "revoked" in listing.getvalue()

    with pytest.raises(CommandError, match="does not allow"):
        call_command("api_token", "create", "--user", "class_teacher", "--scopes", "imports:write")
    with pytest.raises(CommandError, match="no user"):
        call_command("api_token", "create", "--user", "nobody", "--scopes", "alerts:read")
