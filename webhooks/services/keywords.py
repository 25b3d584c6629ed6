"""Compliance keywords (STOP/START/HELP/DELETE) in every supported language."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from functools import cache

from webhooks.i18n import language_data
from webhooks.services.text import Body, normalise


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
    for language, data in language_data().items():
        for name, words in (data.get("keywords") or {}).items():
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


def match_keyword(body: Body) -> KeywordMatch | None:
    """The keyword this whole message is, if it is one."""
    return _table().get(body.normalised)


def keywords_for(keyword: Keyword, language: str) -> list[str]:
    """The words for a keyword in one language (for HELP text and tests)."""
    return [w for w, m in _table().items() if m.keyword is keyword and language in m.languages]
