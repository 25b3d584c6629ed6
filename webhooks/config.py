"""Configuration: one object, read from the environment (and, in development, instance/)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
DEV_SECRETS_FILE = "dev-secrets.json"

# Secrets that have no default outside development: production refuses to start without them.
REQUIRED_SECRETS = (
    "SECRET_KEY",
    "HOTLINE_ENCRYPTION_KEYS",
    "HOTLINE_HASH_KEY",
    "HOTLINE_ENGINE_TOKEN",
    "TWILIO_AUTH_TOKEN",
)


class ConfigError(RuntimeError):
    """The configuration cannot run safely."""


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def database_url(url: str) -> str:
    """`postgresql://` means psycopg 3 here (the driver this project installs)."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def load_config(instance_path: str, environ: dict[str, str] | None = None) -> dict[str, Any]:
    """Build the Flask config mapping from the environment.

    In development, secrets missing from the environment are read from
    ``instance/dev-secrets.json`` (written once by ``flask dev-secrets``).
    """
    env = dict(os.environ if environ is None else environ)
    # Fail closed: forgetting HOTLINE_ENV means production (secrets checked, secure cookies,
    # no simulator). make run and the tests ask for development or testing themselves.
    mode = env.get("HOTLINE_ENV", "production")
    if mode not in {"development", "production", "testing"}:
        raise ConfigError(f"HOTLINE_ENV must be development, production or testing, not {mode!r}")

    if mode == "development":
        secrets_path = Path(instance_path) / DEV_SECRETS_FILE
        if secrets_path.exists():
            for key, value in json.loads(secrets_path.read_text()).items():
                env.setdefault(key, value)

    default_db = "sqlite:///" + str(Path(instance_path) / "hotline.db")
    twilio_sid = env.get("TWILIO_ACCOUNT_SID", "")
    config: dict[str, Any] = {
        "HOTLINE_ENV": mode,
        "SECRET_KEY": env.get("SECRET_KEY", ""),
        "SQLALCHEMY_DATABASE_URI": database_url(env.get("DATABASE_URL", default_db)),
        "HOTLINE_ENCRYPTION_KEYS": env.get("HOTLINE_ENCRYPTION_KEYS", ""),
        "HOTLINE_HASH_KEY": env.get("HOTLINE_HASH_KEY", ""),
        "HOTLINE_PUBLIC_URL": env.get("HOTLINE_PUBLIC_URL", "").rstrip("/"),
        "TWILIO_ACCOUNT_SID": twilio_sid,
        "TWILIO_AUTH_TOKEN": env.get("TWILIO_AUTH_TOKEN", ""),
        "TWILIO_FROM_NUMBER": env.get("TWILIO_FROM_NUMBER", ""),
        "TWILIO_API_BASE_URL": env.get("TWILIO_API_BASE_URL", ""),
        "RASA_URL": env.get("RASA_URL", "http://127.0.0.1:5005").rstrip("/"),
        "ACTION_SERVER_URL": env.get("ACTION_SERVER_URL", "http://127.0.0.1:5055").rstrip("/"),
        "HOTLINE_ENGINE_TOKEN": env.get("HOTLINE_ENGINE_TOKEN", ""),
        "RASA_TIMEOUT_SECONDS": float(env.get("RASA_TIMEOUT_SECONDS", "8")),
        "EMERGENCY_NUMBER": env.get("EMERGENCY_NUMBER", "911"),
        "HOTLINE_DEFAULT_LANGUAGE": env.get("HOTLINE_DEFAULT_LANGUAGE", "en"),
        "SILENCE_WINDOW_HOURS": float(env.get("SILENCE_WINDOW_HOURS", "24")),
        # Rasa's tracker store, so erasure can delete a tracker where it lives: "memory" (the
        # engine's own, bot/endpoints.yml) or the Redis URL of bot/endpoints.production.yml's
        # store (redis://host:port/db) and its key prefix.
        "RASA_TRACKER_STORE_URL": env.get(
            "RASA_TRACKER_STORE_URL", "" if mode == "production" else "memory"
        ),
        # The same prefix the engine's endpoints file takes from REDIS_KEY_PREFIX.
        "RASA_TRACKER_KEY_PREFIX": env.get(
            "RASA_TRACKER_KEY_PREFIX", env.get("REDIS_KEY_PREFIX", "hotline")
        ),
        # Conversations inactive this long are purged, whatever their state...
        "RETENTION_DAYS": int(env.get("RETENTION_DAYS", "90")),
        # ...and those with staff are shown to supervisors this long before.
        "RETENTION_WARNING_DAYS": int(env.get("RETENTION_WARNING_DAYS", "7")),
        # The simulator texts as any number without signing in: only when switched on, never
        # in production, and only to loopback clients (webhooks.simulator).
        "SIMULATOR_ENABLED": _bool(env.get("SIMULATOR_ENABLED")) and mode != "production",
        # Twilio caps a message at 1,600 characters; anything far beyond is not an SMS.
        "MAX_CONTENT_LENGTH": 64 * 1024,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": mode == "production",
        # Staff console sessions: signed out after this long without a click (background
        # polling does not count), and after this long in any case.
        "CONSOLE_IDLE_TIMEOUT_MINUTES": float(env.get("CONSOLE_IDLE_TIMEOUT_MINUTES", "15")),
        "CONSOLE_SESSION_MAX_HOURS": float(env.get("CONSOLE_SESSION_MAX_HOURS", "12")),
        # Sign-in throttling. Per account (or unknown name): after this many failures in a
        # row, each further attempt waits twice as long as the last (1 s, 2 s, 4 s, ...), up to
        # LOGIN_LOCKOUT_MINUTES; a success resets it. Per client address: this many failures
        # within LOGIN_LOCKOUT_MINUTES hold that address (only that one) until they age out.
        "LOGIN_MAX_FAILURES": int(env.get("LOGIN_MAX_FAILURES", "5")),
        "LOGIN_MAX_FAILURES_PER_IP": int(env.get("LOGIN_MAX_FAILURES_PER_IP", "20")),
        "LOGIN_LOCKOUT_MINUTES": float(env.get("LOGIN_LOCKOUT_MINUTES", "15")),
        # Reverse proxies in front of the app that append to X-Forwarded-For: the address
        # limit counts the client, not the proxy. 0: no proxy (the header is ignored).
        # Required in production, where a wrong value either locks everyone behind one proxy
        # address or lets clients spoof theirs.
        "CONSOLE_TRUSTED_PROXIES": int(env.get("CONSOLE_TRUSTED_PROXIES", "0")),
        # Two-factor sign-in is always required for supervisors and admins; this requires it
        # for staff too.
        "STAFF_2FA_REQUIRED": _bool(env.get("STAFF_2FA_REQUIRED")),
        # HTTP Strict Transport Security on every response, in production.
        "HSTS_ENABLED": mode == "production",
        # How often the open queue and conversation pages ask for news.
        "CONSOLE_POLL_SECONDS": int(env.get("CONSOLE_POLL_SECONDS", "3")),
        # WhatsApp on the same webhook: the sender address for staff replies over REST.
        "TWILIO_WHATSAPP_FROM": env.get("TWILIO_WHATSAPP_FROM", ""),
        # Scheduled work (`flask tick`): waiting texters, urgent alerts, idle conversations.
        "STILL_IN_LINE_MINUTES": float(env.get("STILL_IN_LINE_MINUTES", "10")),
        "URGENT_ALERT_MINUTES": float(env.get("URGENT_ALERT_MINUTES", "5")),
        # As long as the engine's session (bot/domain.yml, session_expiration_time: 24 h): a
        # texter who answers the consent question hours later still gets the handoff.
        "IDLE_CLOSE_HOURS": float(env.get("IDLE_CLOSE_HOURS", "24")),
        # The on-call supervisor, told of urgent texters nobody has claimed (both optional).
        "ONCALL_EMAIL": env.get("ONCALL_EMAIL", ""),
        "ONCALL_WEBHOOK_URL": env.get("ONCALL_WEBHOOK_URL", ""),
        "SMTP_HOST": env.get("SMTP_HOST", ""),
        "SMTP_PORT": int(env.get("SMTP_PORT", "25")),
        "SMTP_USERNAME": env.get("SMTP_USERNAME", ""),
        "SMTP_PASSWORD": env.get("SMTP_PASSWORD", ""),
        "SMTP_STARTTLS": _bool(env.get("SMTP_STARTTLS")),
        "SMTP_FROM": env.get("SMTP_FROM", "hotline@localhost"),
        # Prometheus scrapes /metrics with this bearer token; empty: no /metrics at all.
        "HOTLINE_METRICS_TOKEN": env.get("HOTLINE_METRICS_TOKEN", ""),
        # Staff replies over Twilio's REST API: attempts on 5xx or a timeout, and the
        # per-attempt timeout (seconds).
        "TWILIO_SEND_ATTEMPTS": int(env.get("TWILIO_SEND_ATTEMPTS", "3")),
        "TWILIO_SEND_TIMEOUT_SECONDS": float(env.get("TWILIO_SEND_TIMEOUT_SECONDS", "5")),
    }
    if mode == "production":
        missing = [key for key in REQUIRED_SECRETS if not config[key]]
        missing += [
            key
            for key in ("CONSOLE_TRUSTED_PROXIES", "RASA_TRACKER_STORE_URL")
            if not env.get(key, "").strip()
        ]
        if missing:
            raise ConfigError("refusing to start in production without: " + ", ".join(missing))
    return config
