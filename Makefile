# Two environments (docs/architecture.md): .venv for the app, actions and tests (Python 3.11+),
# .venv-rasa for the Rasa engine (Python 3.10, rasa==3.6.21 only).
SHELL := /bin/bash
PYTHON ?= python3
PYTHON310 ?= $(shell scripts/find-python310)
VENV := .venv
RASA_VENV := .venv-rasa
FLASK := $(VENV)/bin/flask --app webhooks
# Custom NLU components (bot/components) are imported by the Rasa engine from bot/.
RASA := PYTHONPATH=$(CURDIR)/bot $(RASA_VENV)/bin/rasa
RASA_PYTHON := PYTHONPATH=$(CURDIR)/bot $(RASA_VENV)/bin/python
MODEL := models/hotline.tar.gz
BOT_SOURCES := $(shell find bot/config.yml bot/domain.yml bot/data nlu_data -name '*.yml' 2>/dev/null) $(wildcard bot/components/*.py) bot/readings.json
PO_FILES := $(wildcard locales/*/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)
export RASA_TELEMETRY_ENABLED := false
# The app defaults to production (fail closed); these targets are development (the tests
# set testing themselves).
export HOTLINE_ENV ?= development
export TF_CPP_MIN_LOG_LEVEL := 2

.PHONY: run test lint unit e2e bot-test bench eval install browser translations extract-messages \
        language-profiles danger-model danger-decision \
        update-catalogs migrate train clean cluster cluster-down chaos haproxy container-test

## make run: everything a fresh machine needs, then the Rasa server, the action server and the app
run: install $(MODEL) translations instance/dev-secrets.json migrate
	$(VENV)/bin/python -m scripts.devstack

## make test: lint, unit and bot tests, end-to-end tests (real Rasa, real processes). The model
## trains (one core, about 6 minutes on its own) while the unit tests and lint, which need no
## model, run on the other; each part's output is printed whole when it ends. Then the tests
## that need it.
test: install translations
	$(MAKE) --no-print-directory -j2 --output-sync=target $(MODEL) unit lint
	$(MAKE) --no-print-directory bot-test e2e

install: $(VENV)/.installed $(RASA_VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $@

$(RASA_VENV)/.installed: bot/requirements.txt
	@if [ -z "$(PYTHON310)" ]; then \
	  echo "Rasa 3.6 needs Python 3.10 and none was found."; \
	  if command -v uv >/dev/null; then echo "Getting one with uv..."; uv python install 3.10 && \
	    $(MAKE) $@ PYTHON310="$$(uv python find 3.10)"; exit $$?; fi; \
	  echo "Install one (pyenv install 3.10, or apt/brew python3.10) or set PYTHON310=/path/to/python3.10"; \
	  exit 1; fi
	$(PYTHON310) -m venv $(RASA_VENV)
	$(RASA_VENV)/bin/pip install --quiet --upgrade pip
	$(RASA_VENV)/bin/pip install --quiet -r bot/requirements.txt
	touch $@

instance/dev-secrets.json: $(VENV)/.installed
	$(FLASK) dev-secrets

migrate: $(VENV)/.installed instance/dev-secrets.json
	$(FLASK) db upgrade
	$(FLASK) seed-resources

## the model is retrained only when the bot's data or config changed
train: $(MODEL)
$(MODEL): $(BOT_SOURCES) $(RASA_VENV)/.installed
	$(RASA) train --config bot/config.yml --domain bot/domain.yml --data bot/data nlu_data \
	  --out models --fixed-model-name hotline

translations: $(MO_FILES)
locales/%/LC_MESSAGES/messages.mo: locales/%/LC_MESSAGES/messages.po $(VENV)/.installed
	$(VENV)/bin/pybabel -q compile -d locales -D messages -l $*
	@test -f $@ || { echo "$@ was not written: is $< marked fuzzy?"; exit 1; }

extract-messages: $(VENV)/.installed
	$(VENV)/bin/pybabel extract -F babel.cfg -k N_ --no-location --sort-output \
	  --project hotline -o locales/messages.pot .

update-catalogs: extract-messages
	$(VENV)/bin/pybabel update -i locales/messages.pot -d locales -D messages --ignore-obsolete \
	  --no-fuzzy-matching

lint: $(VENV)/.installed $(RASA_VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(RASA) data validate --config bot/config.yml --domain bot/domain.yml --data bot/data nlu_data --fail-on-warnings

unit: $(VENV)/.installed translations
	$(VENV)/bin/pytest -m "not e2e" -q

bot-test: $(MODEL)
	$(RASA_PYTHON) tests/bot/check_tokenizer.py
	$(RASA_PYTHON) tests/bot/check_danger_gate.py
	$(RASA_PYTHON) tests/bot/check_sentence_featurizer.py
	$(RASA_PYTHON) tests/bot/check_danger_weighted_classifier.py
	$(RASA) test core --model $(MODEL) --stories tests/bot --fail-on-prediction-errors --out results/core

e2e: $(VENV)/.installed $(MODEL) translations browser haproxy
	$(VENV)/bin/pytest -m e2e -q

bench: install $(MODEL) translations
	$(VENV)/bin/python -m scripts.bench $(BENCH_ARGS)

## make eval: NLU cross-validation per intent and language, danger recall on held-out texts,
## first-message language, and scripted conversations through the signed webhook (real stack)
eval: install $(MODEL) translations
	$(RASA_PYTHON) eval/nlu_predict.py $(or $(FOLDS),5)
	$(VENV)/bin/python eval/report.py
	$(VENV)/bin/python eval/first_messages.py
	PYTHONPATH=$(CURDIR) $(VENV)/bin/python eval/conversations.py

## the language detector's n-gram profiles, from nlu_data/ (a unit test says when they are stale)
language-profiles: $(VENV)/.installed
	$(VENV)/bin/python -m scripts.build_language_profiles

## after changing nlu_data/: the danger net's learned layer (about two minutes; a unit test
## fails while webhooks/data/danger_model.json is older than the examples), and the readings of
## the romanised examples the NLU's encoder learns from (bot/readings.json)
danger-model: $(VENV)/.installed
	$(VENV)/bin/python -m scripts.build_readings
	$(VENV)/bin/python -m scripts.build_danger_model

## after danger-model or a lexicon change: the net's one decision, refitted on the development
## sets with the trained NLU's predictions (a few minutes; a unit test says when it is stale)
danger-decision: install $(MODEL)
	$(RASA_PYTHON) eval/nlu_predict.py 0
	PYTHONPATH=$(CURDIR) $(VENV)/bin/python eval/danger_decision.py

## the console's browser tests drive Debian's Chromium (Playwright's own download cannot work here)
browser:
	@command -v chromium >/dev/null || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium; }

## make cluster: the production topology from deploy/ (supervisord, HAProxy, 2 apps, 2 Rasa
## replicas, 2 action servers; the machine's PostgreSQL and Redis). make cluster-down stops it.
cluster: install $(MODEL) translations haproxy
	$(VENV)/bin/python -m scripts.cluster up

cluster-down: $(VENV)/.installed
	$(VENV)/bin/python -m scripts.cluster down

## make chaos: the cluster under load while its parts are killed; figures printed, not asserted
chaos: cluster
	$(VENV)/bin/python -m scripts.chaos $(CHAOS_ARGS)

## the cluster and its e2e test use Debian's HAProxy
haproxy:
	@command -v haproxy >/dev/null || test -x /usr/sbin/haproxy || { \
	  echo "installing Debian's haproxy for the production topology"; \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq haproxy; }
## make container-test: the images and compose.yaml under podman, texted through the signed webhook
## (installs podman and debootstrap from Debian when missing; builds base images locally)
COMPOSE_VENV := .venv-compose
container-test: $(VENV)/.installed $(COMPOSE_VENV)/.installed
	@command -v podman >/dev/null && command -v debootstrap >/dev/null && command -v runc >/dev/null \
	  && command -v iptables >/dev/null && test -x /usr/lib/podman/netavark || { \
	  echo "installing podman, runc, netavark, iptables and debootstrap from Debian"; \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq podman runc netavark aardvark-dns \
	    iptables debootstrap; }
	CONTAINERS_CONF=$(CURDIR)/containers/test/containers.conf \
	  $(VENV)/bin/python -m scripts.container_test --compose $(COMPOSE_VENV)/bin/podman-compose $(CONTAINER_TEST_ARGS)

$(COMPOSE_VENV)/.installed:
	$(PYTHON) -m venv $(COMPOSE_VENV)
	$(COMPOSE_VENV)/bin/pip install --quiet podman-compose==1.6.0
	touch $@

clean:
	rm -rf models results .rasa .pytest_cache .mypy_cache .ruff_cache
