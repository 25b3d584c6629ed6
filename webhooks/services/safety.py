"""The deterministic safety net: a multilingual danger lexicon run on every inbound message.

It does not depend on the NLU model or the engine being up: a hit forces the danger path.
Patterns live in ``webhooks/data/danger/<lang>.txt`` (one regular expression per line).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from webhooks.services.text import Body

LEXICON_DIR = Path(__file__).resolve().parent.parent / "data" / "danger"


@dataclass(frozen=True)
class DangerHit:
    language: str
    pattern: str


@cache
def _lexicon() -> list[tuple[str, re.Pattern[str]]]:
    patterns: list[tuple[str, re.Pattern[str]]] = []
    for path in sorted(LEXICON_DIR.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                patterns.append((path.stem, re.compile(line)))
    if not patterns:
        raise RuntimeError(f"danger lexicon is empty: {LEXICON_DIR}")
    return patterns


def scan_for_danger(body: Body) -> DangerHit | None:
    """First danger pattern found in the message, in any language (texters code-switch)."""
    text = body.normalised
    for language, pattern in _lexicon():
        if pattern.search(text):
            return DangerHit(language, pattern.pattern)
    return None
