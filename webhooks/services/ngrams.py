"""A character n-gram model of the supported languages, learned from the bot's own NLU data.

Lingua knows languages from books and the web; texters write "toi can giup do" (Vietnamese
without tone marks), "pa help po" (Taglish) or "nao me pagam". The NLU examples in
``nlu_data/<lang>/`` are written as people text, so a naive Bayes model over their character
n-grams (on the normalised text: no case, no accents) knows what lingua does not.

A language written in two scripts has a profile for each: Russian in Cyrillic and in Latin
letters ("mne nuzhna pomosh"), Arabic and Arabizi ("ana ahtaj musaada"). In one profile the few
Latin examples drowned among the Cyrillic ones, and translit Russian was guessed to be Spanish.

The profiles are built by ``scripts/build_language_profiles.py`` into
``webhooks/data/langid/profiles.json`` (package data; a unit test checks they are current).
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

PROFILES = Path(__file__).resolve().parent.parent / "data" / "langid" / "profiles.json"
MAX_N = 4
# Additive smoothing: an n-gram never seen in a language costs log(ALPHA / (total + ALPHA * V)).
ALPHA = 0.1


# Languages whose own script is not Latin; their examples in Latin letters get a profile of
# their own, "<language>-latn".
NON_LATIN = frozenset({"ar", "ko", "ru", "zh"})
LATIN_SUFFIX = "-latn"


def romanised(normalised: str, language: str | None) -> bool:
    """A text in a language whose own script is not Latin, typed mostly in Latin letters
    (Arabizi, translit, pinyin, romanised Korean)."""
    if language not in NON_LATIN:
        return False
    latin = sum("a" <= ch <= "z" for ch in normalised)
    other = sum(ch.isalpha() and not ("a" <= ch <= "z") for ch in normalised)
    return latin > other


def profile_name(language: str, normalised: str) -> str:
    """The profile an example of this language belongs to: by the script it is written in."""
    return language + LATIN_SUFFIX if romanised(normalised, language) else language


def features(normalised: str) -> list[str]:
    """Character 1..4-grams inside each word (padded with spaces), and the words themselves."""
    found: list[str] = []
    for word in normalised.split():
        padded = f" {word} "
        for n in range(1, MAX_N + 1):
            found.extend(
                padded[i : i + n] for i in range(len(padded) - n + 1) if padded[i : i + n] != " "
            )
        found.append("w:" + word)
    return found


def build(examples: Iterable[tuple[str, str]], min_count: int = 2) -> dict[str, dict[str, int]]:
    """Per language, the count of every feature seen at least ``min_count`` times."""
    counts: dict[str, Counter[str]] = {}
    for language, normalised in examples:
        counts.setdefault(language, Counter()).update(features(normalised))
    return {
        language: dict(sorted((f, c) for f, c in counter.items() if c >= min_count))
        for language, counter in sorted(counts.items())
    }


@dataclass(frozen=True)
class Guess:
    language: str
    probability: float  # posterior over the supported languages
    known: int  # how many of the text's features the model has seen in any language


class NgramModel:
    def __init__(self, profiles: dict[str, dict[str, int]]) -> None:
        # Scored per profile (a language in each of its scripts), reported per language.
        self.profiles = profiles
        vocabulary = {f for profile in profiles.values() for f in profile}
        self.vocabulary = vocabulary
        self.denominators = {
            name: math.log(sum(profile.values()) + ALPHA * len(vocabulary))
            for name, profile in profiles.items()
        }
        # Per language, every script together: what its texters' words and letters look like.
        merged: dict[str, Counter[str]] = {}
        for name, profile in profiles.items():
            merged.setdefault(name.removesuffix(LATIN_SUFFIX), Counter()).update(profile)
        self.counts = {language: dict(counter) for language, counter in merged.items()}

    def guess(self, normalised: str) -> list[Guess]:
        """Every language, most likely first (an empty list for a text with no letters)."""
        feats = [f for f in features(normalised) if f in self.vocabulary]
        if not feats:
            return []
        scores = {
            name: sum(math.log(profile.get(f, 0) + ALPHA) for f in feats)
            - len(feats) * self.denominators[name]
            for name, profile in self.profiles.items()
        }
        best = max(scores.values())
        exps = {name: math.exp(s - best) for name, s in scores.items()}
        total = sum(exps.values())
        by_language: dict[str, float] = {}
        for name, e in exps.items():
            language = name.removesuffix(LATIN_SUFFIX)
            by_language[language] = by_language.get(language, 0.0) + e / total
        return sorted(
            (Guess(language, p, len(feats)) for language, p in by_language.items()),
            key=lambda g: -g.probability,
        )


@cache
def model() -> NgramModel:
    return NgramModel(json.loads(PROFILES.read_text(encoding="utf-8")))
