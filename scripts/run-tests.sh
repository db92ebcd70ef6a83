#!/usr/bin/env bash
# Runs the whole suite. With TEST_DATABASE_URL set, PostgreSQL is started if it is not up, and every
# database test runs on both SQLite and PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${TEST_DATABASE_URL:-}" ] && ! pg_isready -q -h 127.0.0.1 -p 5432; then
  echo "Starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
  for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
mkdir -p test-output
exec .venv/bin/python -m pytest -n "${PYTEST_WORKERS:-2}" --durations=25 "$@"
