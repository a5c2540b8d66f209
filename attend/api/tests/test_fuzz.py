"""Property-based API fuzz run (schemathesis): every operation of the generated OpenAPI schema, with valid and
invalid inputs, through the WSGI app (no network), as an LA officer with a token holding every scope over the
small factory LA. It must never answer with a server error, and every response must match the schema.

Run alone with `uv run pytest -m fuzz attend/api`; set DATABASE_URL to run it on PostgreSQL. Examples per
operation and mode: ATTEND_FUZZ_EXAMPLES (default 30).

(schemathesis' own pytest integration, `schemathesis.pytest.from_fixture`, does not run under pytest 9.2: it
sets `Function._nodeid`, which pytest no longer has. So the test drives each operation's Hypothesis strategy
itself, which is the same generation and the same checks.)"""

from __future__ import annotations

import datetime as dt
import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi import formats
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from attend.casework.cases import open_case
from attend.registers.models import ImportRun

from .factories import token_for

EXAMPLES = int(os.environ.get("ATTEND_FUZZ_EXAMPLES", "30"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
OPERATIONS = {
    "GET /api/v1/schools/",
    "GET /api/v1/schools/{urn}/statistics/",
    "GET /api/v1/la/statistics/",
    "GET /api/v1/alerts/",
    "GET /api/v1/alerts/{id}/",
    "GET /api/v1/pupils/{upn}/attendance/",
    "POST /api/v1/imports/",
    "GET /api/v1/imports/{id}/",
    "GET /api/v1/cases/",
    "POST /api/v1/cases/",
    "GET /api/v1/cases/{ref}/",
    "GET /api/v1/cases/{ref}/chronology/",
    "POST /api/v1/cases/{ref}/chronology/",
    "GET /api/v1/cases/{ref}/chronology/{id}/",
    "GET /api/v1/penalty-notices/",
    "POST /api/v1/penalty-notices/",
    "GET /api/v1/penalty-notices/{number}/",
    "POST /api/v1/penalty-notices/{number}/payments/",
}


def fuzz(operation, mode: GenerationMode, path_parameters=None) -> None:
    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=path_parameters))
    @hypothesis_settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        case.call_and_validate(checks=CHECKS)

    run()


@pytest.fixture
def keep_test_connection():
    """Django closes a connection that is inside a transaction when a request finishes (close_old_connections);
    through the WSGI app that would close the test's own transaction on PostgreSQL. Django's test client
    disconnects the same receivers."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def school_year_dates():
    """Dates (format "date") half the time from the two school years around the test data, half from anywhere:
    uniform dates from year 1 to 9999 almost never land in the range the statistics accept (2000-2099), and the
    run would test only the refusal."""
    original = formats.STRING_FORMATS.get("date")
    near = st.dates(dt.date(2024, 8, 1), dt.date(2026, 7, 31))
    schemathesis.openapi.format("date", st.one_of(near, st.dates()).map(dt.date.isoformat))
    yield
    if original is not None:
        schemathesis.openapi.format("date", original)
    else:
        formats.unregister_string_format("date")


def real_objects(world) -> dict[str, dict]:
    """Path parameters naming objects that exist and are in the LA officer's scope, so that generated queries
    and bodies reach the statistics, alerts and audit code rather than stopping at 404."""
    run = ImportRun.objects.create(kind="marks", file_name="marks.csv", imported_by=world["la_officer"])
    case, _ = open_case(by=world["la_officer"], pupil=world["absent"], school=world["a"])
    entry = case.entries.get()
    notice = _penalty_notice(world, case)
    return {
        "/api/v1/penalty-notices/{number}/": {"number": notice.number},
        "/api/v1/penalty-notices/{number}/payments/": {"number": notice.number},
        "/api/v1/cases/{ref}/": {"ref": case.ref},
        "/api/v1/cases/{ref}/chronology/": {"ref": case.ref},
        "/api/v1/cases/{ref}/chronology/{id}/": {"ref": case.ref, "id": entry.pk},
        "/api/v1/schools/{urn}/statistics/": {"urn": world["a"].urn},
        "/api/v1/alerts/{id}/": {"id": world["alert"].pk},
        "/api/v1/pupils/{upn}/attendance/": {"upn": world["absent"].upn},
        "/api/v1/imports/{id}/": {"id": run.pk},
    }


def _penalty_notice(world, case):
    """A notice to the absent pupil's parent, as issued (the notice tables take inserts only)."""
    from decimal import Decimal

    from attend.enforcement.models import CodeOfConduct, PenaltyNotice
    from attend.registers.tests.factories import make_contact

    code = CodeOfConduct.objects.create(
        version=1, effective_from=dt.date(2024, 8, 19), sufficient_improvement="No unauthorised absence"
    )
    return PenaltyNotice.objects.create(
        number="PN-2025-000001", pupil=world["absent"], school=world["a"], case=case,
        parent=make_contact(world["absent"]), parent_basis="Mother", reason="other", issue_date=dt.date(2025, 11, 3),
        period_start=dt.date(2025, 10, 6), period_end=dt.date(2025, 10, 10), sessions=10, sequence=1,
        amount_reduced=Decimal("80"), amount_full=Decimal("160"), issued_by=world["la_officer"],
        issuer_capacity="la_officer", code=code,
    )  # fmt: skip


@pytest.mark.fuzz
@pytest.mark.parametrize(
    "mode, objects",
    [
        (GenerationMode.POSITIVE, "generated"),
        (GenerationMode.POSITIVE, "real"),
        (GenerationMode.NEGATIVE, "generated"),
    ],
    ids=["positive", "positive-real-objects", "negative"],
)
def test_the_api_never_fails_and_matches_its_schema(
    world, settings, keep_test_connection, school_year_dates, mode, objects
):
    from attend.wsgi import application

    # A few hundred requests a minute on one token: lift the per-token limits for this run.
    settings.ATTEND_API_RATES = {"read": None, "import": None}
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)
    token = token_for(world["la_officer"])

    @schema.auth()
    class LaOfficerToken:
        # Through schemathesis' auth hook, so negative cases that drop or break the header are sent as such.
        def get(self, case, context):
            return token

        def set(self, case, data, context):
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}

    fixed = real_objects(world) if objects == "real" else {}
    failures, seen = [], set()
    for result in schema.get_all_operations():
        operation = result.ok()
        seen.add(f"{operation.method.upper()} {operation.path}")
        try:
            fuzz(operation, mode, fixed.get(operation.path))
        except Exception as exc:  # every operation is run; all failures are reported together
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    assert seen == OPERATIONS
    assert not failures, "\n\n".join(failures)
