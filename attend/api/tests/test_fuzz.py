"""Property-based API fuzz run (schemathesis): every operation of the generated OpenAPI schema, with valid and
invalid inputs, through the WSGI app (no network), as an LA officer with a token holding every scope over the
small factory LA. It must never answer with a server error, and every response must match the schema.

Run alone with `uv run pytest -m fuzz`; set DATABASE_URL to run it on PostgreSQL. Examples per operation:
ATTEND_FUZZ_EXAMPLES (default 30)."""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from .factories import bearer, token_for

EXAMPLES = int(os.environ.get("ATTEND_FUZZ_EXAMPLES", "30"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@pytest.fixture
def api_schema(world, settings):
    from attend.wsgi import application

    # The run sends a few hundred requests a minute on one token: lift the per-token limits for it.
    settings.ATTEND_API_RATES = {"read": None, "import": None}
    return schemathesis.openapi.from_wsgi("/api/v1/schema/", application)


@pytest.fixture
def la_token(world):
    return token_for(world["la_officer"])


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.fuzz
def test_the_api_never_fails_and_matches_its_schema(case, la_token):
    case.call_and_validate(headers=bearer(la_token), checks=CHECKS)
