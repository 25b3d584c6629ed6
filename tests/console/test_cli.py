"""`flask create-user`: accounts from the command line, with a TOTP URI where 2FA is on."""

from __future__ import annotations

import pyotp

from webhooks.models import StaffRole
from webhooks.staff import accounts


def test_create_staff_prompting_for_the_password(app, runner):
    result = runner.invoke(
        args=["create-user", "sam", "--role", "staff"], input="long enough pass\nlong enough pass\n"
    )
    assert result.exit_code == 0, result.output
    assert "created staff sam" in result.output and "otpauth://" not in result.output
    with app.app_context():
        user = accounts.find_user("sam")
        assert user.role == StaffRole.STAFF and not user.totp_enabled
        assert accounts.check_password(user, "long enough pass")


def test_admins_get_a_totp_uri(app, runner):
    result = runner.invoke(
        args=["create-user", "ada", "--role", "admin", "--password", "long enough pass"]
    )
    assert result.exit_code == 0, result.output
    uri = next(line for line in result.output.splitlines() if line.startswith("otpauth://"))
    with app.app_context():
        user = accounts.find_user("ada")
        assert pyotp.parse_uri(uri).secret == user.totp_secret


def test_staff_may_opt_in_to_totp_admins_may_not_opt_out(app, runner):
    result = runner.invoke(args=["create-user", "sam", "--totp", "--password", "long enough pass"])
    assert "otpauth://" in result.output
    result = runner.invoke(
        args=[
            "create-user",
            "ada",
            "--role",
            "admin",
            "--no-totp",
            "--password",
            "long enough pass",
        ]
    )
    assert result.exit_code != 0 and "required" in result.output


def test_refusals(runner):
    short = runner.invoke(args=["create-user", "sam", "--password", "short"])
    assert short.exit_code != 0 and "12 characters" in short.output
    runner.invoke(args=["create-user", "sam", "--password", "long enough pass"])
    taken = runner.invoke(args=["create-user", "SAM", "--password", "long enough pass"])
    assert taken.exit_code != 0 and "taken" in taken.output
    odd = runner.invoke(args=["create-user", "=cmd()", "--password", "long enough pass"])
    assert odd.exit_code != 0
