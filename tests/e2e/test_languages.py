"""Every supported language end to end: detected, answered in it, switchable, danger-safe."""

from __future__ import annotations

import pytest
from babel.messages.pofile import read_po

from webhooks.i18n import LOCALES_DIR, render, supported_languages
from webhooks.wording import RESOURCES_INTRO

FIRST_MESSAGES = {
    "en": "hi i need some help please",
    "es": "hola necesito ayuda por favor",
    "fr": "bonjour j'ai besoin d'aide s'il vous plait",
    "pt": "olá preciso de ajuda por favor",
    "zh": "你好，我需要帮助",
    "vi": "xin chào, tôi cần giúp đỡ",
    "ko": "안녕하세요 도움이 필요해요",
    "tl": "magandang gabi po kailangan ko ng tulong",
    "ru": "здравствуйте мне нужна помощь",
    "ar": "مرحبا أحتاج مساعدة من فضلك",
}
DANGER = {
    "en": "he has a gun",
    "es": "tiene una pistola",
    "fr": "il a un couteau",
    "pt": "ele tem uma arma",
    "zh": "他有枪",
    "vi": "anh ta có súng",
    "ko": "그 사람이 칼을 들고 있어요",
    "tl": "may baril siya",
    "ru": "у него пистолет",
    "ar": "معه مسدس",
}
LANGUAGES = [lang for lang in supported_languages() if lang in FIRST_MESSAGES]


def test_every_supported_language_is_covered_here() -> None:
    assert set(supported_languages()) <= set(FIRST_MESSAGES)


def catalog_texts(language: str) -> set[str]:
    with open(LOCALES_DIR / "messages.pot", "rb") as fp:
        ids = [m.id for m in read_po(fp) if m.id]
    return {render(i, language, {"emergency_number": "911"}) for i in ids}


@pytest.mark.parametrize("language", LANGUAGES)
def test_first_message_is_answered_in_its_language(make_texter, language) -> None:
    texter = make_texter()
    replies = texter.send(FIRST_MESSAGES[language])
    assert texter.conversation()["language"] == language
    # A catalog reply, or resources (their text comes from the database) in the language.
    intro = render(RESOURCES_INTRO, language)
    assert replies and (replies[0] in catalog_texts(language) or replies[0].startswith(intro))


@pytest.mark.parametrize("language", LANGUAGES)
def test_danger_gets_the_emergency_number_in_every_language(make_texter, language) -> None:
    texter = make_texter()
    replies = texter.send(DANGER[language])
    assert "911" in replies[0]
    assert texter.conversation()["risk"] == "urgent"


def test_switching_language_mid_conversation(make_texter) -> None:
    texter = make_texter()
    texter.send("hello there i need help")
    assert texter.conversation()["language"] == "en"
    confirmation = texter.send("español")
    assert confirmation[0] == render("OK, I will write in English from now on.", "es")
    # The bot's pending question (here: is it safe to text?), if any, again in Spanish.
    assert len(confirmation) <= 2 and all(r in catalog_texts("es") for r in confirmation[1:])
    replies = texter.send("hi")
    assert replies[0] in catalog_texts("es")
    assert texter.send("ok")[0] in catalog_texts("es")  # short texts never flip it back
    assert texter.conversation()["language"] == "es"
