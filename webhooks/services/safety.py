"""The deterministic safety net: a multilingual danger lexicon run on every inbound message.

It does not depend on the NLU model or the engine being up: a hit forces the danger path.
Patterns live in ``webhooks/data/danger/<lang>.txt`` (one regular expression per line). A line
starting with ``!`` is an exemption: a text that matches one (laughter: "lol", "jaja", "kkk",
"ㅋㅋ", "哈哈") is hyperbole, and the lexicon stays silent on it; the NLU still reads it.
Patterns use bounded gaps only (a few words or characters at most), never a quantified group
holding an unbounded quantifier, so no text of the 1,600 characters matched can make one
backtrack for long (tests/services/test_danger_lexicon.py checks).
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


def _lines() -> list[tuple[str, str]]:
    lines = []
    for path in sorted(LEXICON_DIR.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                lines.append((path.stem, line))
    return lines


@cache
def _lexicon() -> list[tuple[str, re.Pattern[str]]]:
    patterns = [(lang, re.compile(line)) for lang, line in _lines() if not line.startswith("!")]
    if not patterns:
        raise RuntimeError(f"danger lexicon is empty: {LEXICON_DIR}")
    return patterns


@cache
def _exemptions() -> list[re.Pattern[str]]:
    return [re.compile(line[1:]) for _, line in _lines() if line.startswith("!")]


def scan_for_danger(body: Body) -> DangerHit | None:
    """First danger pattern found in the message, in any language (texters code-switch)."""
    text = body.normalised
    if any(exemption.search(text) for exemption in _exemptions()):
        return None
    for language, pattern in _lexicon():
        if pattern.search(text):
            return DangerHit(language, pattern.pattern)
    return None
