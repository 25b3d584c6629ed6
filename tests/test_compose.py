"""compose.yaml with a hotline.env from containers/make-env: every service gets what it needs.

The container test (`make container-test`) takes half an hour and does not run in `make test`;
this catches, in a second, a setting that production started to require and compose lacks.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from webhooks.config import load_config

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text())
PLACEHOLDER = re.compile(r"\$\{(\w+)\}")


def _env_file() -> dict[str, str]:
    text = subprocess.run(
        [sys.executable, str(ROOT / "containers" / "make-env"), "TWILIO_AUTH_TOKEN=t"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    pairs = (line.split("=", 1) for line in text.splitlines() if "=" in line and line[0] != "#")
    return dict(pairs)


def _service_env(name: str) -> dict[str, str]:
    service = COMPOSE["services"][name]
    env = _env_file() if "env_file" in service else {}
    env.update({key: str(value) for key, value in (service.get("environment") or {}).items()})
    return env


@pytest.mark.parametrize("service", ["app-1", "app-2", "scheduler", "retention"])
def test_the_app_starts_in_production_with_what_compose_gives_it(service, tmp_path):
    env = _service_env(service)
    assert env.get("HOTLINE_ENV", "production") == "production"
    config = load_config(str(tmp_path), env)  # raises ConfigError on anything missing
    assert config["RASA_TRACKER_STORE_URL"].startswith("redis://redis:")


@pytest.mark.parametrize("service", ["rasa-1", "rasa-2"])
def test_every_placeholder_of_the_engines_endpoints_is_set(service):
    env = _service_env(service)
    endpoints = (ROOT / "bot" / "endpoints.production.yml").read_text()
    missing = {name for name in PLACEHOLDER.findall(endpoints) if not env.get(name)}
    assert not missing, f"{service} lacks {sorted(missing)} (Rasa refuses to start)"


def test_the_app_erases_trackers_where_the_engine_keeps_them():
    app, rasa = _service_env("app-1"), _service_env("rasa-1")
    url = f"redis://{rasa['REDIS_HOST']}:{rasa['REDIS_PORT']}/{rasa['REDIS_DB']}"
    assert app["RASA_TRACKER_STORE_URL"] == url
    config = load_config("/nonexistent", app)
    assert config["RASA_TRACKER_KEY_PREFIX"] == rasa["REDIS_KEY_PREFIX"]
