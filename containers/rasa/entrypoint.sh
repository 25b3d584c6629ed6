#!/bin/sh
# Rasa takes its token on the command line only; it comes from the environment (the env file).
# --auth-token=VALUE: a token that starts with "-" would otherwise be taken for an option.
set -eu
: "${HOTLINE_ENGINE_TOKEN:?HOTLINE_ENGINE_TOKEN is required (the app sends it)}"
exec rasa run --enable-api --model models/hotline.tar.gz \
  --endpoints "${RASA_ENDPOINTS:-bot/endpoints.production.yml}" --credentials bot/credentials.yml \
  --interface 0.0.0.0 --port "${RASA_PORT:-5005}" --auth-token="$HOTLINE_ENGINE_TOKEN" "$@"
