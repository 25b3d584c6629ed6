"""The action server imports ``actions`` from bot/, as rasa_sdk does (`--actions actions`)."""

from __future__ import annotations

import sys
from typing import Any

import pytest
import yaml

from webhooks.config import REPO_ROOT

sys.path.insert(0, str(REPO_ROOT / "bot"))


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    return yaml.safe_load((REPO_ROOT / "bot" / "domain.yml").read_text(encoding="utf-8"))
