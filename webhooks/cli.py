"""`flask` commands: development secrets, key rotation, retention purge, console users, tick."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from webhooks.config import DEV_SECRETS_FILE
from webhooks.crypto import generate_key, generate_secret
from webhooks.extensions import db
from webhooks.services import erasure
from webhooks.services.privacy import purge_inactive_conversations
from webhooks.services.resources import seed_resources


def register_commands(app: Flask) -> None:
    app.cli.add_command(dev_secrets)
    app.cli.add_command(rotate_keys)
    app.cli.add_command(purge)
    app.cli.add_command(erase_pending)
    app.cli.add_command(seed_resources_command)
    app.cli.add_command(create_user_command)
    app.cli.add_command(tick_command)


@click.command("dev-secrets")
@with_appcontext
def dev_secrets() -> None:
    """Generate development secrets once into instance/ (never used in production)."""
    path = Path(current_app.instance_path) / DEV_SECRETS_FILE
    if path.exists():
        click.echo(f"{path} exists; keeping it")
        return
    secrets = {
        "SECRET_KEY": generate_secret(),
        "HOTLINE_ENCRYPTION_KEYS": generate_key(),
        "HOTLINE_HASH_KEY": generate_secret(),
        "HOTLINE_ENGINE_TOKEN": generate_secret(),
        # Signs the simulator's requests exactly as Twilio would sign real ones.
        "TWILIO_AUTH_TOKEN": generate_secret(16),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fp:
        json.dump(secrets, fp, indent=2)
    click.echo(f"wrote {path}")


@click.command("rotate-keys")
@with_appcontext
def rotate_keys() -> None:
    """Re-key everything with the first key of HOTLINE_ENCRYPTION_KEYS and of HOTLINE_HASH_KEY.

    Every encrypted column of every model, every texter's look-up hash and every tombstone.
    Put the new keys first and keep the old ones after them; once this has run, drop them.
    """
    from webhooks.services.rotation import rotate_all

    result = rotate_all()
    db.session.commit()
    click.echo(
        f"re-encrypted {result.values} values, re-hashed {result.hashes} numbers, "
        f"re-keyed {result.tags} tombstones"
    )


@click.command("purge")
@with_appcontext
@click.option("--days", type=int, default=None, help="Default: RETENTION_DAYS (90).")
def purge(days: int | None) -> None:
    """Erase conversations inactive for more than N days, whatever their state (run it daily
    from cron or a timer; tick retries the erasures it queues)."""
    days = current_app.config["RETENTION_DAYS"] if days is None else days
    count = purge_inactive_conversations(days)
    db.session.commit()
    click.echo(f"purged {count} conversations inactive for more than {days} days")


@click.command("erase-pending")
@with_appcontext
def erase_pending() -> None:
    """Work the erasure queue: engine trackers and Twilio's copies (run it from cron)."""
    done, failed = erasure.work_pending()
    left = erasure.pending_count()
    click.echo(f"erased {done}, failed {failed} (retried later), {left} pending")


@click.command("seed-resources")
@with_appcontext
def seed_resources_command() -> None:
    """Load the starting resources into an empty database (an edited one is left alone)."""
    count = seed_resources()
    db.session.commit()
    click.echo(f"seeded {count} resources" if count else "resources already present; unchanged")


@click.command("create-user")
@click.argument("username")
@click.option(
    "--role",
    type=click.Choice(["staff", "supervisor", "admin"]),
    default="staff",
    show_default=True,
)
@click.option("--totp/--no-totp", default=None, help="Two-factor sign-in (always on for admins).")
@click.password_option(help="Prompted for when not given (12 characters or more).")
@with_appcontext
def create_user_command(username: str, role: str, totp: bool | None, password: str) -> None:
    """Create a console user; prints the two-factor provisioning URI when 2FA is on."""
    from webhooks.staff import accounts

    try:
        user = accounts.create_user(username, password, role)
    except accounts.AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    if totp is None:
        totp = accounts.two_factor_required(user)
    if totp is False and accounts.two_factor_required(user):
        raise click.ClickException("two-factor sign-in is required for this role")
    if totp:
        user.totp_secret = accounts.new_totp_secret()
    db.session.commit()
    click.echo(f"created {role} {user.username}")
    if user.totp_secret:
        click.echo("Add this to an authenticator app (it is shown only now):")
        click.echo(accounts.provisioning_uri(user, user.totp_secret))


@click.command("tick")
@click.option(
    "--every",
    type=float,
    default=None,
    help="Keep running, once every this many seconds (make run). Default: once, for cron.",
)
@with_appcontext
def tick_command(every: float | None) -> None:
    """Scheduled work: still-in-line texts, urgent alerts, idle closing, erasures to retry
    (cron: every minute)."""
    import time

    from webhooks.services.waiting import tick

    while True:
        try:
            click.echo(f"tick: {tick()}")
        except Exception as exc:  # a loop that dies silently would forget waiting texters
            db.session.rollback()
            if every is None:
                raise
            click.echo(f"tick failed: {type(exc).__name__}", err=True)
        finally:
            db.session.remove()
        if every is None:
            return
        time.sleep(every)
