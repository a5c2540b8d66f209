#!/usr/bin/env bash
# Set up Attend's Python environment (.venv) from the lock file. Needs only python3 (3.11) and pip.
# Sourced by scripts/demo.sh and scripts/test.sh; safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
export UV_PYTHON_DOWNLOADS=never UV_LINK_MODE=copy
if ! python3 -m uv --version >/dev/null 2>&1; then
  echo "Installing uv (the package manager that reads uv.lock)..." >&2
  # Debian's system Python refuses plain pip installs (PEP 668); uv is a self-contained tool, so allow it.
  python3 -m pip install --quiet --user uv 2>/dev/null \
    || python3 -m pip install --quiet --user --break-system-packages uv 2>/dev/null \
    || python3 -m pip install --quiet uv
fi
python3 -m uv sync --frozen --python "$(command -v python3)" "$@" >&2
# WeasyPrint (letters) needs Pango and HarfBuzz's subsetter; the tests read PDFs with poppler-utils (pdftotext).
if ! ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 || ! ldconfig -p 2>/dev/null | grep -q libharfbuzz-subset \
  || ! command -v pdftotext >/dev/null 2>&1; then
  echo "Installing Pango, HarfBuzz and poppler-utils (for letters and their tests)..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 && apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
    poppler-utils fonts-liberation fonts-dejavu-core >&2
fi
# Front-end assets (GOV.UK Frontend, htmx, axe-core for the browser tests) from the npm registry, never a CDN.
if ! command -v npm >/dev/null 2>&1; then
  echo "Installing Node.js and npm (apt)..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 && apt-get install -y -qq nodejs npm >&2
fi
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error >&2
fi
npm run --silent build:css >&2
