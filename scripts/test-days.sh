#!/usr/bin/env bash
# Run the whole suite (SQLite) with the clock moved to each kind of day that has no school sessions, and to a term
# weekday: nothing may depend on the day the tests run. Each day is the next one of its kind after the real date
# (attend/core/travel.py). Usage: bash scripts/test-days.sh [day ...] [-- pytest args]; after scripts/test.sh.
set -uo pipefail
cd "$(dirname "$0")/.."
days=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do days+=("$1"); shift; done
[ "${1:-}" = "--" ] && shift
[ ${#days[@]} -gt 0 ] || days=(saturday sunday bank-holiday summer-holiday weekday)
export ATTEND_REQUIRE_BROWSER=1
failed=()
for day in "${days[@]}"; do
  echo "=== Test suite on SQLite with the clock on: $day ==="
  ATTEND_TEST_DAY="$day" env -u DATABASE_URL .venv/bin/pytest -q "$@" || failed+=("$day")
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "failed on: ${failed[*]}" >&2
  exit 1
fi
echo "passed on: ${days[*]}"
