"""Text normalisation shared by keyword, language-name and danger matching."""

from __future__ import annotations

import re
import unicodedata

_PUNCTUATION = re.compile(r"[^\w\s]+", re.UNICODE)
_SPACES = re.compile(r"\s+")
# Runs of 7+ digits (with spaces, dots, dashes) look like phone numbers.
_PHONE_LIKE = re.compile(r"\+?\d[\d\s().-]{5,}\d")


def normalise(text: str) -> str:
    """Lower case, accents stripped, punctuation to spaces, single spaces.

    CJK and Hangul survive (NFKC recomposes Hangul after the marks are dropped).
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    recomposed = unicodedata.normalize("NFKC", stripped)
    return _SPACES.sub(" ", _PUNCTUATION.sub(" ", recomposed)).strip()


def redact_numbers(text: str) -> str:
    """Phone-like digit runs out of anything sent to the bot engine."""
    return _PHONE_LIKE.sub("<number>", text)
