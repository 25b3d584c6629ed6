"""The application factory and its configuration."""

from __future__ import annotations

import pytest

from webhooks import create_app
from webhooks.config import ConfigError, load_config


def test_testing_config_is_applied(app):
    assert app.config["TESTING"]
    assert app.config["EMERGENCY_NUMBER"] == "911"


def test_production_refuses_to_start_without_secrets(tmp_path):
    with pytest.raises(ConfigError) as excinfo:
        load_config(str(tmp_path), {"HOTLINE_ENV": "production"})
    for name in ("HOTLINE_ENCRYPTION_KEYS", "HOTLINE_HASH_KEY", "SECRET_KEY"):
        assert name in str(excinfo.value)


def test_production_never_enables_the_simulator(tmp_path):
    env = {
        "HOTLINE_ENV": "production",
        "SECRET_KEY": "x",
        "HOTLINE_ENCRYPTION_KEYS": "k",
        "HOTLINE_HASH_KEY": "h",
        "HOTLINE_ENGINE_TOKEN": "t",
        "TWILIO_AUTH_TOKEN": "a",
        "SIMULATOR_ENABLED": "1",
    }
    assert load_config(str(tmp_path), env)["SIMULATOR_ENABLED"] is False


def test_postgresql_urls_use_psycopg3(tmp_path):
    config = load_config(
        str(tmp_path), {"DATABASE_URL": "postgresql://u@h/db", "HOTLINE_ENV": "testing"}
    )
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"


def test_development_reads_generated_secrets(tmp_path, monkeypatch):
    (tmp_path / "dev-secrets.json").write_text('{"HOTLINE_HASH_KEY": "from-file"}')
    config = load_config(str(tmp_path), {"HOTLINE_ENV": "development"})
    assert config["HOTLINE_HASH_KEY"] == "from-file"


def test_unknown_mode_is_refused(tmp_path):
    with pytest.raises(ConfigError):
        load_config(str(tmp_path), {"HOTLINE_ENV": "staging"})


def test_simulator_is_absent_with_a_twilio_account(make_app):
    app = make_app(SIMULATOR_ENABLED=False)
    assert app.test_client().get("/simulator/").status_code == 404
    assert create_app  # the factory is the only way in
