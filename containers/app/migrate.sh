#!/bin/sh
# One-shot at start: wait for the database, migrate it to the latest revision, seed the
# starting resources into an empty one. Safe to run again (both steps are idempotent).
set -eu
tries=${MIGRATE_WAIT_SECONDS:-120}
until out=$(flask --app webhooks db current 2>&1); do
  tries=$((tries - 2))
  if [ "$tries" -le 0 ]; then
    echo "database not reachable:"; echo "$out" | tail -n 3; exit 1
  fi
  sleep 2
done
flask --app webhooks db upgrade
flask --app webhooks seed-resources
