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


PRODUCTION = {
    "SECRET_KEY": "x",
    "HOTLINE_ENCRYPTION_KEYS": "k",
    "HOTLINE_HASH_KEY": "h",
    "HOTLINE_ENGINE_TOKEN": "t",
    "TWILIO_AUTH_TOKEN": "a",
    "CONSOLE_TRUSTED_PROXIES": "1",
    "RASA_TRACKER_STORE_URL": "redis://127.0.0.1:6379/0",
}


def test_production_never_enables_the_simulator(tmp_path):
    env = {"HOTLINE_ENV": "production", **PRODUCTION, "SIMULATOR_ENABLED": "1"}
    assert load_config(str(tmp_path), env)["SIMULATOR_ENABLED"] is False


def test_production_is_the_default_environment(tmp_path):
    """Forgetting HOTLINE_ENV fails closed: secrets checked, secure cookies, no simulator."""
    with pytest.raises(ConfigError):
        load_config(str(tmp_path), {})
    config = load_config(str(tmp_path), {**PRODUCTION, "SIMULATOR_ENABLED": "1"})
    assert config["HOTLINE_ENV"] == "production"
    assert config["SESSION_COOKIE_SECURE"] and config["HSTS_ENABLED"]
    assert config["SIMULATOR_ENABLED"] is False


@pytest.mark.parametrize("setting", ["CONSOLE_TRUSTED_PROXIES", "RASA_TRACKER_STORE_URL"])
def test_production_needs_the_proxy_count_and_the_tracker_store_said(tmp_path, setting):
    env = {key: value for key, value in PRODUCTION.items() if key != setting}
    with pytest.raises(ConfigError) as excinfo:
        load_config(str(tmp_path), env)
    assert setting in str(excinfo.value)
    # Zero proxies is a valid answer, as long as it is given.
    assert load_config(str(tmp_path), {**PRODUCTION, "CONSOLE_TRUSTED_PROXIES": "0"})


def test_the_simulator_is_off_unless_switched_on(tmp_path):
    assert load_config(str(tmp_path), {"HOTLINE_ENV": "development"})["SIMULATOR_ENABLED"] is False
    on = load_config(str(tmp_path), {"HOTLINE_ENV": "development", "SIMULATOR_ENABLED": "1"})
    assert on["SIMULATOR_ENABLED"] is True


def test_the_simulator_answers_only_loopback_clients(client):
    assert client.get("/simulator/").status_code == 200
    away = client.get("/simulator/", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert away.status_code == 403
    relayed = client.get("/simulator/", headers={"X-Forwarded-For": "203.0.113.9"})
    assert relayed.status_code == 403
    sent = client.post(
        "/simulator/send",
        json={"phone": "+15550102030", "body": "hi"},
        environ_base={"REMOTE_ADDR": "203.0.113.9"},
    )
    assert sent.status_code == 403


def test_production_sends_strict_transport_security(make_app):
    app = make_app(HSTS_ENABLED=True)
    assert "max-age=" in app.test_client().get("/healthz").headers["Strict-Transport-Security"]
    plain = make_app()
    assert "Strict-Transport-Security" not in plain.test_client().get("/healthz").headers


def test_make_run_and_the_tests_ask_for_their_environment_explicitly():
    from webhooks.config import REPO_ROOT

    assert "export HOTLINE_ENV ?= development" in (REPO_ROOT / "Makefile").read_text()
    assert "HOTLINE_ENV=testing make test" in (REPO_ROOT / ".ci" / "run").read_text()
    assert '"HOTLINE_ENV": "development"' in (REPO_ROOT / "scripts" / "devstack.py").read_text()
    assert (
        'os.environ["HOTLINE_ENV"] = "testing"' in (REPO_ROOT / "tests" / "conftest.py").read_text()
    )


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
