"""The OpenAPI schema is valid and warning-free; API tokens in the admin are revoke-only for system admins."""

from __future__ import annotations

import io
import json

from django.core.management import call_command

from attend.api.models import ApiToken
from attend.audit.models import AuditEvent

from .factories import bearer, token_for


def test_the_schema_is_valid_openapi_without_warnings(tmp_path):
    path = tmp_path / "schema.json"
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json", "--file", str(path),
        stderr=io.StringIO(),
    )  # fmt: skip
    schema = json.loads(path.read_text())
    assert schema["openapi"].startswith("3.")
    assert schema["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "An API token from `attend api_token create` (att_<prefix>_<secret>).",
    }
    post = schema["paths"]["/api/v1/imports/"]["post"]
    assert post["security"] == [{"bearerAuth": []}]
    assert "multipart/form-data" in post["requestBody"]["content"]
    assert {"400", "401", "403", "404", "429"} <= set(post["responses"])


def test_system_admins_list_and_revoke_tokens_but_cannot_add_or_delete(world, client):
    secret = token_for(world["la_officer"])
    token = ApiToken.objects.get()
    client.force_login(world["system_admin"])
    listing = client.get("/admin/api/apitoken/")
    assert listing.status_code == 200 and token.prefix in listing.content.decode()
    assert secret.split("_", 2)[2] not in listing.content.decode()
    assert client.get("/admin/api/apitoken/add/").status_code == 403
    assert client.get(f"/admin/api/apitoken/{token.pk}/delete/").status_code == 403

    response = client.post(
        "/admin/api/apitoken/", {"action": "revoke", "_selected_action": [token.pk], "index": 0}, follow=True
    )
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == world["system_admin"]
    assert AuditEvent.objects.filter(action="api.token.revoked", actor=world["system_admin"]).exists()
    assert client.get("/api/v1/schools/", headers=bearer(secret)).status_code == 401
