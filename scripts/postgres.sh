#!/usr/bin/env bash
# Install (if needed) and start a local PostgreSQL server for the tests, and print a DATABASE_URL for it.
# Runs as root on Debian (CI and developer machines); initdb/pg_ctl run as the postgres user.
set -euo pipefail
if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  echo "Installing PostgreSQL (apt)..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
fi
version=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | grep -q "^$version main"; then
  pg_createcluster "$version" main >&2
fi
if ! pg_lsclusters -h | grep -q "^$version main .* online"; then
  pg_ctlcluster "$version" main start >&2
fi
for _ in $(seq 1 30); do
  su postgres -c "psql -qAtc 'select 1'" >/dev/null 2>&1 && break
  sleep 1
done
su postgres -c "psql -qAtc \"select 1 from pg_roles where rolname='attend'\"" | grep -q 1 \
  || su postgres -c "psql -qc \"create role attend login superuser password 'attend'\"" >&2
su postgres -c "psql -qAtc \"select 1 from pg_database where datname='attend'\"" | grep -q 1 \
  || su postgres -c "createdb -O attend attend" >&2
port=$(pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main" {print $3}')
echo "postgres://attend:attend@127.0.0.1:${port}/attend"
