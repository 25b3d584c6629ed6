"""Which language to answer in: detected from the first messages, switched by naming one."""

from __future__ import annotations

from functools import cache
from typing import Any

from lingua import IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder

from webhooks.i18n import language_data, supported_languages
from webhooks.services.text import Body, normalise

# Below this many letters a text ("ok", "yes", "911", "si") says nothing reliable.
MIN_LETTERS = 8
# Clear enough: the best guess is likely, and well ahead of the next (Spanish and Portuguese
# share most short words, so a plain threshold would leave many Portuguese texts undecided).
MIN_CONFIDENCE = 0.6
MIN_LEAD = 2.0


@cache
def _detector() -> LanguageDetector:
    languages = [
        Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper()))
        for code in supported_languages()
    ]
    return LanguageDetectorBuilder.from_languages(*languages).build()


# A script only one supported language uses (Hangul, Cyrillic, Arabic…) is certain at any length.
CERTAIN = 0.95


def detect_language(body: Body) -> str | None:
    """A supported language code when the text is long and clear enough, else None."""
    text = body.bounded
    short_word = _short_words().get(body.normalised)
    if short_word is not None:
        return short_word
    values = _detector().compute_language_confidence_values(text)
    if not values:
        return None
    letters = sum(ch.isalpha() for ch in text)
    wide = sum(ord(ch) > 0x2E80 for ch in text)  # CJK/Hangul carry more per character
    if letters + 3 * wide < MIN_LETTERS and values[0].value < CERTAIN:
        return None
    if values[0].value < MIN_CONFIDENCE:
        return None
    if len(values) > 1 and values[0].value < MIN_LEAD * values[1].value:
        return None
    return str(values[0].language.iso_code_639_1.name).lower()


def _supported_data() -> dict[str, dict[str, Any]]:
    return {code: d for code, d in language_data().items() if code in supported_languages()}


@cache
def _short_words() -> dict[str, str]:
    """Short first texts that belong to one language only ("hola", "merci", "obrigado")."""
    found: dict[str, set[str]] = {}
    for code, data in _supported_data().items():
        for word in data.get("short_words") or []:
            found.setdefault(normalise(str(word)), set()).add(code)
    return {word: langs.pop() for word, langs in found.items() if len(langs) == 1}


@cache
def _names() -> tuple[dict[str, str], frozenset[str]]:
    names: dict[str, str] = {}
    fillers: set[str] = set()
    for code, data in _supported_data().items():
        for word in data.get("names") or []:
            names[normalise(str(word))] = code
        fillers.update(normalise(str(f)) for f in data.get("fillers") or [])
    return names, frozenset(fillers)


def named_language(body: Body) -> str | None:
    """The language asked for when the message is a language's name ("español", "中文")."""
    names, fillers = _names()
    words = body.normalised.split()
    if not words or len(words) > 6:
        return None
    whole = " ".join(words)
    if whole in names:
        return names[whole]
    remainder = " ".join(w for w in words if w not in fillers)
    return names.get(remainder)


def warm_up() -> None:
    """Load the detector's models before the first texter waits for them."""
    _detector().detect_language_of("warm up the language models")
