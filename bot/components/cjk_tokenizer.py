"""Whitespace tokenizer that also splits Chinese and Japanese text into characters.

It also replaces Rasa's emoji filter, whose character range (U+24C2..U+1F251) covers every
Chinese character and Hangul syllable: with it, Chinese words vanish and a Korean message
collapses into one token.

Runs inside the Rasa engine (Python 3.10, rasa==3.6.21 and nothing else installed), so it
needs no dictionary such as jieba's. Han characters become one token each; the character
n-gram featurizer downstream then sees the words they form. Korean and Vietnamese separate
words (or syllables) with spaces, so whitespace already splits them correctly.

Each token's lemma is its text folded as texters type it (``fold``): no accents or tone marks,
đ as d, Arabic's hamza seats, tā' marbūṭa, alif maqṣūra and tatweel folded. The character
n-gram featurizer reads the lemma (config.yml), so "bị nhốt" and "bi nhot" share their
n-grams; the word featurizer reads the text as typed.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message

# Emoji and their joiners only: pictographs, symbols, dingbats, flags, skin tones, ZWJ, VS16.
EMOJI = re.compile(
    "^[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u200d\ufe0f\u20e3\U000e0020-\U000e007f]+$"
)


# As the app folds for its lexicon and layer (``fold_marks`` in webhooks/services/text.py, its
# FOLD_LETTERS); the engine cannot import the app, hence this copy.
_FOLD_LETTERS = str.maketrans({"đ": "d", "ة": "ه", "ى": "ي", "ـ": None})


def fold(text: str) -> str:
    """Lower case, marks dropped (accents, tone marks, harakat, hamza), compatibility forms
    decomposed; Hangul recomposed, so a syllable stays one character."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFKC", stripped).translate(_FOLD_LETTERS)


def is_cjk(char: str) -> bool:
    code = ord(char)
    return (
        0x4E00 <= code <= 0x9FFF  # CJK unified ideographs
        or 0x3400 <= code <= 0x4DBF  # extension A
        or 0xF900 <= code <= 0xFAFF  # compatibility ideographs
        or 0x3040 <= code <= 0x30FF  # hiragana, katakana
        or 0x20000 <= code <= 0x2FA1F  # supplementary ideographs
    )


def split_cjk(token: Token) -> list[Token]:
    """One token per CJK character; runs of anything else stay together."""
    if not any(is_cjk(ch) for ch in token.text):
        return [token]
    pieces: list[Token] = []
    run_start: int | None = None
    for index, char in enumerate(token.text):
        if is_cjk(char):
            if run_start is not None:
                pieces.append(Token(token.text[run_start:index], token.start + run_start))
                run_start = None
            pieces.append(Token(char, token.start + index))
        elif run_start is None:
            run_start = index
    if run_start is not None:
        pieces.append(Token(token.text[run_start:], token.start + run_start))
    return pieces


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class CJKAwareTokenizer(WhitespaceTokenizer):
    @staticmethod
    def not_supported_languages() -> list[str] | None:
        return ["th"]

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> CJKAwareTokenizer:
        return cls(config)

    def remove_emoji(self, text: str) -> str:
        return "" if EMOJI.match(text) else text

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        tokens = super().tokenize(message, attribute)
        pieces = [piece for token in tokens for piece in split_cjk(token)]
        for piece in pieces:
            piece.lemma = fold(piece.text) or piece.text
        return pieces
