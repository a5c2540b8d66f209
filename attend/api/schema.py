"""OpenAPI: the bearer-token security scheme, and the public schema view."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.views import SpectacularJSONAPIView
from rest_framework.permissions import AllowAny

from attend.accounts.permissions import public


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "attend.api.auth.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token from `attend api_token create` (att_<prefix>_<secret>).",
        }


# The schema describes the API, not data: anyone may read it (no token, no session).
schema_view = public(
    SpectacularJSONAPIView.as_view(
        authentication_classes=[], permission_classes=[AllowAny], throttle_classes=[]
    )
)
