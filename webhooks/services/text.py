"""An inbound body, normalised once for keyword, language and danger matching."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_PUNCTUATION = re.compile(r"[^\w\s]+", re.UNICODE)
_SPACES = re.compile(r"\s+")
# Runs of 7+ digits (with spaces, dots, dashes) look like phone numbers.
_PHONE_LIKE = re.compile(r"\+?\d[\d\s().-]{5,}\d")
# Twilio's limit for one message: matching sees no more than this (the whole body is stored).
MATCH_LIMIT = 1600


# What NFKD does not take apart but texters type either way: Vietnamese đ as d (without tone
# marks, "đánh" is typed "danh"), Arabic's tā' marbūṭa and alif maqṣūra as hā' and yā' (ة/ه,
# ى/ي), and tatweel, which only stretches a word. The engine's tokenizer folds its character
# n-grams the same way (bot/components/cjk_tokenizer.py).
FOLD_LETTERS = str.maketrans({"đ": "d", "ة": "ه", "ى": "ي", "ـ": None})


def fold_marks(text: str) -> str:
    """Accents and marks dropped, compatibility forms decomposed, the letters above folded; case
    and punctuation kept (the danger lexicon folds its regular expressions with this).

    CJK and Hangul survive (NFKC recomposes Hangul after the marks are dropped).
    """
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFKC", stripped).translate(FOLD_LETTERS)


def normalise(text: str) -> str:
    """Lower case, ``fold_marks``, punctuation to spaces, single spaces."""
    folded = fold_marks(text.casefold())
    return _SPACES.sub(" ", _PUNCTUATION.sub(" ", folded)).strip()


def redact_numbers(text: str) -> str:
    """Phone-like digit runs out of anything sent to the bot engine."""
    return _PHONE_LIKE.sub("<number>", text)


@dataclass(frozen=True)
class Body:
    """One inbound message's text as each step of the message path needs it, computed once."""

    raw: str  # as received: stored (encrypted), never matched whole
    bounded: str  # at most MATCH_LIMIT characters: what detectors and the engine see
    normalised: str  # ``normalise(bounded)``: keywords, language names, danger lexicon

    @classmethod
    def of(cls, raw: str) -> Body:
        bounded = raw[:MATCH_LIMIT]
        # Compatibility decomposition can lengthen text (one ligature becomes up to 18
        # characters): the matchers' bound holds after normalising too.
        return cls(raw=raw, bounded=bounded, normalised=normalise(bounded)[:MATCH_LIMIT])

    @property
    def empty(self) -> bool:
        return not self.bounded.strip()
