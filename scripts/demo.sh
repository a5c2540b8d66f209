#!/usr/bin/env bash
# Quick start 1: install, then migrate the embedded SQLite database, load the demo local authority on first run,
# print the demo sign-in details and serve Attend on http://127.0.0.1:8000
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --no-dev
exec .venv/bin/attend demo "$@"
