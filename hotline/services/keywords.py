"""Compliance keywords (STOP/START/HELP/DELETE) in every supported language."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from hotline.services.text import normalise

LANGUAGES_DIR = Path(__file__).resolve().parent.parent / "data" / "languages"


class Keyword(enum.StrEnum):
    STOP = "stop"
    START = "start"
    HELP = "help"
    DELETE = "delete"


@dataclass(frozen=True)
class KeywordMatch:
    keyword: Keyword
    # Languages whose word this is ("info" is English and Spanish): the caller prefers the
    # conversation's own language when it is among them.
    languages: tuple[str, ...]


@cache
def _table() -> dict[str, KeywordMatch]:
    found: dict[str, dict[Keyword, list[str]]] = {}
    for path in sorted(LANGUAGES_DIR.glob("*.yml")):
        language = path.stem
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        for name, words in (raw.get("keywords") or {}).items():
            keyword = Keyword(name)
            for word in words:
                found.setdefault(normalise(str(word)), {}).setdefault(keyword, []).append(language)
    table: dict[str, KeywordMatch] = {}
    for word, keywords in found.items():
        if len(keywords) > 1:
            raise ValueError(f"keyword {word!r} means more than one thing: {sorted(keywords)}")
        ((keyword, languages),) = keywords.items()
        table[word] = KeywordMatch(keyword, tuple(languages))
    return table


def match_keyword(body: str) -> KeywordMatch | None:
    """The keyword this whole message is, if it is one."""
    return _table().get(normalise(body))


def keywords_for(keyword: Keyword, language: str) -> list[str]:
    """The words for a keyword in one language (for HELP text and tests)."""
    return [w for w, m in _table().items() if m.keyword is keyword and language in m.languages]
