#!/usr/bin/env bash
# Quick start 1: install, then migrate the embedded SQLite database, load the demo local authority on first run,
# print the demo sign-in details and serve Attend on http://127.0.0.1:8000
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --no-dev
# The background task worker (imports and reports started from the web pages, statistics refreshes after imports)
# runs beside the web server and stops with it. Its log: var/worker.log.
.venv/bin/attend migrate --verbosity 0
mkdir -p "${ATTEND_VAR_DIR:-var}"
.venv/bin/attend db_worker --no-reload --queue-name '*' >"${ATTEND_VAR_DIR:-var}/worker.log" 2>&1 &
worker=$!
trap 'kill "$worker" 2>/dev/null || true' EXIT INT TERM
.venv/bin/attend demo "$@"
