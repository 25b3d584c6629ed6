#!/bin/sh
# The app image's entry point: with HOTLINE_MIGRATE_ON_START=1 (compose.yaml sets it) the server
# migrates the database before it starts; then the command (gunicorn by default).
set -eu
if [ "${HOTLINE_MIGRATE_ON_START:-0}" = 1 ] && [ "${1:-}" = gunicorn ]; then
  hotline-migrate
fi
exec "$@"
