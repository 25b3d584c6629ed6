"""Webhook tests that act as staff use the console's accounts and signed-in browsers."""

from __future__ import annotations

from tests.console.conftest import signed_in, staff_ids  # noqa: F401
from tests.console.helpers import cheap_hashing  # noqa: F401
