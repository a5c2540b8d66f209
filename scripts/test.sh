#!/usr/bin/env bash
# Quick start 2: install everything the tests need (Python packages, PostgreSQL, Java for Spark) and run the
# whole suite twice: on the embedded SQLite default and on a real PostgreSQL server. .ci/run calls this.
set -uo pipefail
cd "$(dirname "$0")/.."
set -e
bash scripts/setup.sh
if ! command -v java >/dev/null 2>&1; then
  echo "Installing Java (for the PySpark test)..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 && apt-get install -y -qq default-jre-headless >&2
fi
if ! command -v chromium >/dev/null 2>&1; then
  echo "Installing Chromium (for the browser tests)..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 && apt-get install -y -qq chromium >&2
fi
# The browser tests fail (rather than skip) here if Chromium or axe-core is missing.
export ATTEND_REQUIRE_BROWSER=1
PG_URL=$(bash scripts/postgres.sh)
set +e

.venv/bin/ruff check . && .venv/bin/ruff format --check . >/dev/null
lint=$?
[ $lint -eq 0 ] || echo "ruff found problems (see above)" >&2

# Two test processes on a two-core machine (pytest-xdist; each has its own test database), capped at four. Not
# --dist loadfile: it runs a file whole, which breaks pytest-django's order (transactional tests, which flush the
# database and with it the data migrations' rows, run last) and so fails tests that read migrated data.
workers=$(nproc 2>/dev/null || echo 2)
[ "$workers" -gt 4 ] && workers=4
# pytest's exit code 5 means "no tests selected" (a path given in "$@" with no browser flows in it): not a failure.
ok() { [ "$1" -eq 0 ] || [ "$1" -eq 5 ]; }

echo "=== Test suite on SQLite ($workers processes), without the browser flows ==="
env -u DATABASE_URL .venv/bin/pytest -n "$workers" -m "not browser" "$@"
sqlite=$?

# The browser flows (headless Chromium, axe) run once, in one process, on SQLite: they test pages, not the database,
# and they are the slowest tests (about 35 of them, several minutes).
echo "=== Browser flows on SQLite ==="
env -u DATABASE_URL .venv/bin/pytest -m browser "$@"
browser=$?

# The PostgreSQL pass runs with the process clock on a Saturday (conftest.py, attend/core/travel.py): a test that
# reads the real date through the code under test fails here, not on the first weekend after it was written.
# scripts/test-days.sh runs the suite on every kind of day (Saturday, Sunday, bank holiday, summer holiday, weekday).
echo "=== Test suite on PostgreSQL ($PG_URL, $workers processes), clock on a Saturday ==="
ATTEND_TEST_DAY=saturday DATABASE_URL="$PG_URL" .venv/bin/pytest -n "$workers" -m "not spark and not browser" "$@"
postgres=$?

echo "ruff: $lint, pytest on SQLite: $sqlite, browser flows: $browser, pytest on PostgreSQL: $postgres (0 = passed)"
[ $lint -eq 0 ] && ok $sqlite && ok $browser && ok $postgres
