#!/bin/sh
# The app image's entry point: DATABASE_URL from the env file's POSTGRES_* when it is not
# given whole (so the password is written once), then the command (gunicorn by default).
set -eu
if [ -z "${DATABASE_URL:-}" ] && [ -n "${POSTGRES_PASSWORD:-}" ]; then
  DATABASE_URL="postgresql://${POSTGRES_USER:-hotline}:${POSTGRES_PASSWORD}@${POSTGRES_HOST:-postgres}:${POSTGRES_PORT:-5432}/${POSTGRES_DB:-hotline}"
  export DATABASE_URL
fi
exec "$@"
