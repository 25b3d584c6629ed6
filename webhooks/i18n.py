"""Reply text from the gettext catalogs in ``locales/``, in the conversation's language.

English text is the message id (``webhooks/wording.py``: the bot's responses and what the app
says itself). Translations live only in the catalogs.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from babel.support import Translations
from flask import current_app

# The catalogs (top-level locales/ in the repository, linked into the package so a wheel has them).
LOCALES_DIR = Path(__file__).resolve().parent / "locales"
LANGUAGE_DATA_DIR = Path(__file__).resolve().parent / "data" / "languages"
CATALOG_DOMAIN = "messages"
SOURCE_LANGUAGE = "en"


class CatalogMissing(RuntimeError):
    """A language's compiled catalog is missing: run `make translations`."""


@cache
def supported_languages() -> tuple[str, ...]:
    """Every language with a catalog: adding one is a matter of data, not code."""
    found = sorted(
        p.parent.parent.name for p in LOCALES_DIR.glob(f"*/LC_MESSAGES/{CATALOG_DOMAIN}.po")
    )
    return tuple(sorted(set(found) | {SOURCE_LANGUAGE}, key=lambda x: (x != SOURCE_LANGUAGE, x)))


@cache
def translations(language: str) -> Translations:
    if language == SOURCE_LANGUAGE:
        return Translations()
    mo = LOCALES_DIR / language / "LC_MESSAGES" / f"{CATALOG_DOMAIN}.mo"
    if not mo.exists():
        raise CatalogMissing(f"{mo} is missing: run `make translations`")
    with mo.open("rb") as fp:
        return Translations(fp, domain=CATALOG_DOMAIN)


@cache
def language_data() -> dict[str, dict[str, Any]]:
    """Each language's data file (keywords, names, fillers, short words, self name), by code."""
    return {
        path.stem: yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for path in sorted(LANGUAGE_DATA_DIR.glob("*.yml"))
    }


def language_name(language: str) -> str:
    """A language's name in itself ("español", "中文"), for texters choosing one.

    ``self_name`` in webhooks/data/languages/<code>.yml overrides Babel's name.
    """
    from babel import Locale, UnknownLocaleError

    own = language_data().get(language, {}).get("self_name")
    if own:
        return str(own)
    try:
        return str(Locale.parse(language).language_name or language)
    except (ValueError, UnknownLocaleError):
        return language


@cache
def language_menu() -> str:
    """Every supported language, each in its own name: "English · español · 中文 …"."""
    return " · ".join(language_name(code) for code in supported_languages())


class _Variables(dict[str, Any]):
    """Unknown placeholders stay visible rather than crash a reply to someone in danger."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def render(msgid: str, language: str | None, variables: Mapping[str, Any] | None = None) -> str:
    language = language if language in supported_languages() else SOURCE_LANGUAGE
    text = translations(language).gettext(msgid)
    return string.Formatter().vformat(text, (), _Variables(variables or {}))


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def render_reply(
    msgid: str, language: str | None, arguments: Mapping[str, Any] | None = None
) -> str:
    """A reply in a language, with the configured emergency number (never the engine's)."""
    variables = dict(arguments or {})
    variables["emergency_number"] = current_app.config["EMERGENCY_NUMBER"]
    return render(msgid, language or current_app.config["HOTLINE_DEFAULT_LANGUAGE"], variables)
