"""Console fixtures: one account per role, and a signed-in browser for each."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask

from tests.console.helpers import Console, cheap_hashing, make_staff  # noqa: F401

__all__ = ["cheap_hashing"]


@pytest.fixture
def staff_ids(app: Flask) -> dict[str, int]:
    return {
        "staff": make_staff(app, "sam", "staff"),
        "supervisor": make_staff(app, "sue", "supervisor"),
        "admin": make_staff(app, "ada", "admin", totp=True),
    }


@pytest.fixture
def signed_in(app: Flask, staff_ids: dict[str, int]) -> Callable[[str | None], Console]:
    """A fresh browser signed in as the given role (None: anonymous)."""

    def browser(role: str | None) -> Console:
        return Console(app, app.test_client(), staff_ids[role] if role else None)

    return browser
