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
    mode = env.get("HOTLINE_ENV", "development")
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
        "RETENTION_DAYS": int(env.get("RETENTION_DAYS", "90")),
        # The simulator signs requests with the configured auth token; it only makes sense
        # where no real Twilio account is wired in.
        "SIMULATOR_ENABLED": _bool(env.get("SIMULATOR_ENABLED"), default=not twilio_sid)
        and mode != "production",
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
        # Sign-in rate limit: this many failures per username (or per address) within the
        # lockout window lock further attempts until the window has passed.
        "LOGIN_MAX_FAILURES": int(env.get("LOGIN_MAX_FAILURES", "5")),
        "LOGIN_MAX_FAILURES_PER_IP": int(env.get("LOGIN_MAX_FAILURES_PER_IP", "20")),
        "LOGIN_LOCKOUT_MINUTES": float(env.get("LOGIN_LOCKOUT_MINUTES", "15")),
        # Reverse proxies in front of the app that append to X-Forwarded-For: the rate limit
        # counts per client address, not per proxy. 0 trusts no header.
        "CONSOLE_TRUSTED_PROXIES": int(env.get("CONSOLE_TRUSTED_PROXIES", "0")),
        # Two-factor sign-in is always required for admins; this requires it for everyone.
        "STAFF_2FA_REQUIRED": _bool(env.get("STAFF_2FA_REQUIRED")),
        # How often the open queue and conversation pages ask for news.
        "CONSOLE_POLL_SECONDS": int(env.get("CONSOLE_POLL_SECONDS", "3")),
        # WhatsApp on the same webhook: the sender address for staff replies over REST.
        "TWILIO_WHATSAPP_FROM": env.get("TWILIO_WHATSAPP_FROM", ""),
        # Scheduled work (`flask tick`): waiting texters, urgent alerts, idle conversations.
        "STILL_IN_LINE_MINUTES": float(env.get("STILL_IN_LINE_MINUTES", "10")),
        "URGENT_ALERT_MINUTES": float(env.get("URGENT_ALERT_MINUTES", "5")),
        "IDLE_CLOSE_HOURS": float(env.get("IDLE_CLOSE_HOURS", "4")),
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
        if missing:
            raise ConfigError("refusing to start in production without: " + ", ".join(missing))
    return config
