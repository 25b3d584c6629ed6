"""Every reply exists in every supported language, complete, with the right placeholders,
and within what an SMS costs (at most 3 segments)."""

from __future__ import annotations

import pytest
import yaml
from babel.messages.pofile import read_po

from webhooks.config import REPO_ROOT
from webhooks.i18n import (
    LOCALES_DIR,
    SOURCE_LANGUAGE,
    placeholders,
    render,
    supported_languages,
)
from webhooks.services.segments import segments
from webhooks.wording import BOT_RESPONSES

TRANSLATED = [lang for lang in supported_languages() if lang != SOURCE_LANGUAGE]
MAX_SEGMENTS = 3
SAMPLE = {"emergency_number": "911"}


def _template():
    with open(LOCALES_DIR / "messages.pot", "rb") as fp:
        return read_po(fp)


def _catalog(language):
    with open(LOCALES_DIR / language / "LC_MESSAGES" / "messages.po", "rb") as fp:
        return read_po(fp, locale=language)


def test_every_domain_response_names_itself_and_has_words_in_the_template():
    domain = yaml.safe_load((REPO_ROOT / "bot" / "domain.yml").read_text(encoding="utf-8"))
    ids = {m.id for m in _template() if m.id}
    for name, variants in domain["responses"].items():
        # The engine returns the payload; the app renders the words (no text in the domain).
        assert variants == [{"custom": {"say": name}}], name
        assert name in BOT_RESPONSES, f"{name} has no words in webhooks/wording.py"
        assert BOT_RESPONSES[name] in ids, f"{name} is not extracted: run `make update-catalogs`"
    assert set(BOT_RESPONSES) == set(domain["responses"])


def test_there_are_translated_languages():
    assert "es" in TRANSLATED


@pytest.mark.parametrize("language", TRANSLATED)
def test_catalog_is_complete_not_fuzzy_and_keeps_placeholders(language):
    catalog = _catalog(language)
    problems = []
    for message in _template():
        if not message.id:
            continue
        translated = catalog.get(message.id)
        if translated is None or not translated.string:
            problems.append(f"missing: {message.id!r}")
        elif translated.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        elif placeholders(translated.string) != placeholders(message.id):
            problems.append(f"placeholders differ: {message.id!r} -> {translated.string!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", supported_languages())
def test_every_reply_fits_in_three_segments(language):
    too_long = []
    for message in _template():
        if message.id:
            text = render(message.id, language, SAMPLE)
            if segments(text) > MAX_SEGMENTS:
                too_long.append((segments(text), text))
    assert not too_long, too_long


def test_render_keeps_unknown_placeholders_visible_instead_of_crashing():
    assert render("call {nobody}", "en", {}) == "call {nobody}"
