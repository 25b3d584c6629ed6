"""Which language to answer in: detected from the first messages, switched by naming one."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

import yaml
from lingua import IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder

from webhooks.i18n import SOURCE_LANGUAGE, language_data, supported_languages
from webhooks.services import ngrams
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


@cache
def _world() -> LanguageDetector:
    """Every language lingua knows (75), to recognise the ones we do not speak.

    Low-accuracy mode (trigrams only): about 120 MB and two seconds to load, and enough to tell
    Ukrainian from Russian or Polish from Spanish on a few words. It never picks a supported
    language by itself; that is the job of the detectors below.
    """
    return LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().build()


# A script only one supported language uses (Hangul, Cyrillic, Arabic…) is certain at any length.
CERTAIN = 0.95
# The character n-gram model (nlu_data) is trusted when it is this sure and has seen enough of
# the text (a word or two): it knows texters' spelling, which lingua does not.
NGRAM_CONFIDENT = 0.9
NGRAM_MIN_FEATURES = 12
NGRAM_MIN_LETTERS = 5  # "yes", "ok", "si", "no" say nothing; "socorro" does
# Another language is named only when lingua's full detector is this sure of it and most of the
# text's words are unknown to the supported language the n-gram model would pick.
OTHER_CONFIDENCE = 0.5
OTHER_MIN_LETTERS = 8
# "Looks like our examples": half its words, or three quarters of its letter sequences, seen.
KNOWN_WORDS = 0.5
KNOWN_GRAMS = 0.75
# Our languages typed in Latin letters (Arabizi, Russian translit, pinyin, romanised Korean):
# lingua's models of them are in their own scripts, so on these texts its verdict is a guess
# ("ne mogu dyshat" is Tswana to it) and our own examples decide, on less evidence than
# usual, unless lingua is all but certain ("szef zabral moj paszport" is Polish at 0.98).
ROMANISED = frozenset({"ar", "ru", "zh", "ko"})
ROMANISED_WORDS = 0.15
ROMANISED_GRAMS = 0.5
ROMANISED_MOST_WORDS = 0.75
ROMANISED_SURE_GRAMS = 0.95
WORLD_SURE = 0.995
# Shared letter sequences still speak for our language while lingua is unsure of its own
# verdict ("jai besoin daide" is Basque to it, at little confidence).
GRAMS_RESCUE_BELOW = 0.8


@dataclass(frozen=True)
class Detection:
    """What a text says about its language: one we speak, one we do not, or nothing clear."""

    language: str | None = None  # a supported language to answer in
    other: str | None = None  # ISO 639-1 code of a language we do not speak


def identify_language(body: Body) -> Detection:
    """A supported language, another language identified, or nothing (too short, unclear)."""
    short_word = _short_words().get(body.normalised)
    if short_word is not None:
        return Detection(language=short_word)
    marked = _shared_script_language(body)
    if marked is not None:
        return Detection(other=marked)
    guesses = ngrams.model().guess(body.normalised)
    best = guesses[0] if guesses else None
    other = _other_language(body, best)
    if other is not None:
        return other
    return Detection(language=_code_switched(body, _supported_language(body, best)))


def _code_switched(body: Body, language: str | None) -> str | None:
    """The language a code-switched text belongs to: Taglish read as English is Tagalog when it
    has a Tagalog particle or pronoun ("need ko ng lawyer po"). A Filipino texter who mixes
    English in gets the bot in Tagalog, which they wrote; one who writes English gets English.
    A text too short to read ("hi po", "good pm po") is taken as English, the source language,
    so the same words move it, except those that are words of another language we speak too
    ("ano" is a Portuguese year, "sana" Spanish), which move only a text read as English."""
    switches = _code_switches().get(language or SOURCE_LANGUAGE)
    if not switches:
        return language
    words = set(body.normalised.split())
    for code, markers, unshared in switches:
        if words & (markers if language is not None else unshared):
            return code
    return language


@cache
def _code_switches() -> dict[str, list[tuple[str, frozenset[str], frozenset[str]]]]:
    found: dict[str, list[tuple[str, frozenset[str], frozenset[str]]]] = {}
    for code, data in _supported_data().items():
        switch = data.get("code_switch")
        if switch:
            words = frozenset(normalise(str(w)) for w in switch["words"])
            shared = frozenset(normalise(str(w)) for w in switch.get("shared") or [])
            found.setdefault(str(switch["into"]), []).append((code, words, words - shared))
    return found


def detect_language(body: Body) -> str | None:
    """A supported language code when the text is long and clear enough, else None."""
    return identify_language(body).language


# Beside the n-gram profiles (package data, as they are).
SHARED_SCRIPTS = ngrams.PROFILES.parent / "shared_scripts.yml"


@dataclass(frozen=True)
class _Markers:
    first_words: dict[str, str]
    letters: tuple[tuple[str, str], ...]
    words: dict[str, str]
    patterns: tuple[tuple[str, re.Pattern[str]], ...]


@cache
def _shared_script_markers() -> _Markers:
    data = yaml.safe_load(SHARED_SCRIPTS.read_text(encoding="utf-8"))

    def words(section: str) -> dict[str, str]:
        return {str(word): code for code, listed in data[section].items() for word in listed}

    return _Markers(
        first_words=words("first_words"),
        letters=tuple((code, str(chars)) for code, chars in data["letters"].items()),
        words=words("words"),
        patterns=tuple(
            (code, re.compile(str(pattern))) for code, pattern in data["patterns"].items()
        ),
    )


def _shared_script_language(body: Body) -> str | None:
    """A language we do not speak, told by a word, a letter or a spelling the supported one with
    its script never uses ("дзякуй", Ukrainian і/ї/є, Bulgarian ъ before a consonant, Persian
    ی): short texts are too short for lingua."""
    text = body.bounded.casefold()  # not normalised: that turns ї into і and й into и
    markers = _shared_script_markers()
    words = [word.strip(".,!?;:()\"'«»") for word in text.split()]
    found = next((markers.first_words[w] for w in words if w in markers.first_words), None)
    if found is not None:
        return found
    for code, chars in markers.letters:
        if any(ch in text for ch in chars):
            return code
    found = next((markers.words[w] for w in words if w in markers.words), None)
    if found is not None:
        return found
    return next((code for code, pattern in markers.patterns if pattern.search(text)), None)


def _known_words(body: Body, language: str) -> float:
    """The share of the text's words the n-gram model has seen in this language's examples."""
    words = body.normalised.split()
    if not words:
        return 0.0
    profile = ngrams.model().counts.get(language, {})
    return sum(("w:" + w) in profile for w in words) / len(words)


def _known_grams(body: Body, language: str) -> float:
    """The share of the text's 3- and 4-letter sequences seen in this language's examples."""
    profile = ngrams.model().counts.get(language, {})
    grams = [f for f in ngrams.features(body.normalised) if len(f) >= 3 and f[:2] != "w:"]
    return sum(g in profile for g in grams) / len(grams) if grams else 0.0


def _foreign_letters(body: Body, language: str) -> bool:
    """Letters this language's examples never use (Ukrainian і/є, Japanese kana for Chinese)."""
    profile = ngrams.model().counts.get(language, {})
    return any(ch.isalpha() and ch not in profile for ch in body.normalised)


def _fits(body: Body, best: ngrams.Guess | None) -> bool:
    """Whether the text looks like our own examples of the language the n-gram model picks."""
    if best is None or _foreign_letters(body, best.language):
        return False
    return (
        _known_words(body, best.language) >= KNOWN_WORDS
        or _known_grams(body, best.language) >= KNOWN_GRAMS
    )


def _other_language(body: Body, best: ngrams.Guess | None) -> Detection | None:
    """A language we do not speak, nothing (undecided: the default language until the next
    message says more), or None when the text is ours or too unclear to tell."""
    text = body.bounded
    letters = sum(ch.isalpha() for ch in text) + 2 * sum(ord(ch) > 0x2E80 for ch in text)
    if letters < OTHER_MIN_LETTERS:
        return None
    values = _world().compute_language_confidence_values(text)
    if not values or values[0].value < OTHER_CONFIDENCE:
        return None
    code = str(values[0].language.iso_code_639_1.name).lower()
    if code in supported_languages():
        return None
    verdict = _ours(body, best, values[0].value)
    if verdict == "ours":
        return None
    return Detection() if verdict == "unsure" else Detection(other=code)


def _ours(body: Body, best: ngrams.Guess | None, world_confidence: float) -> str:
    """Whether a text lingua gives to a language we do not speak is ours after all: "ours"
    ("my friend needs help" is English, whatever trigrams think of it), "unsure" or "theirs".

    Half its words seen in our examples of the language make it ours. Shared letter sequences
    do only while lingua is unsure of its verdict: Italian shares most of them with Spanish
    ("il padrone mi ha preso il passaporto", 77% of its 3- and 4-letter sequences in our Spanish
    examples, lingua 0.98 Italian), Indonesian with Tagalog, Dutch with English, and those texts
    were answered in the wrong language. Romanised texts of our other languages get a looser
    test, and passing it only leaves the language undecided: "szef zabral moj paszport"
    (Polish) passes it for Russian, "ne vypuskayut uzhe tretiy den" (Russian) too.
    """
    if best is None or _foreign_letters(body, best.language):
        return "theirs"
    words = _known_words(body, best.language)
    # Typed in Latin letters, a neighbour shares our words: "szef zabral moj paszport" (Polish,
    # lingua 0.98) has two of its four words in our Russian translit examples. While lingua is
    # sure of another language, most words must be ours ("ya ne mogu uiti s raboty", 5 of 6,
    # is Tswana to lingua at 0.89); else the looser test below.
    # Shared letter sequences never make such a text ours: "nie placa mi za prace" (Polish,
    # lingua 0.72) shares three quarters of them with translit.
    latin = best.language in ROMANISED and ngrams.romanised(body.normalised, best.language)
    latin_neighbour = latin and world_confidence >= GRAMS_RESCUE_BELOW
    if words >= (ROMANISED_MOST_WORDS if latin_neighbour else KNOWN_WORDS):
        return "ours"
    grams = _known_grams(body, best.language)
    # Or half of them, when nearly all its letter sequences are ours too: "annyeonhaseyo
    # chinguga i beonho allyeojwosseoyo" (Korean, 3 of 5 words, 99% of its sequences) is Swahili
    # to lingua at 0.97; the Polish above has 66% of them in our Russian translit.
    if latin_neighbour and words >= KNOWN_WORDS and grams >= ROMANISED_SURE_GRAMS:
        return "ours"
    if world_confidence < GRAMS_RESCUE_BELOW and grams >= KNOWN_GRAMS and not latin:
        return "ours"
    if (
        best.language in ROMANISED
        and world_confidence < WORLD_SURE
        and (words >= ROMANISED_WORDS or grams >= ROMANISED_GRAMS)
    ):
        return "unsure"
    return "theirs"


def _supported_language(body: Body, best: ngrams.Guess | None) -> str | None:
    if (
        best is not None
        and best.probability >= NGRAM_CONFIDENT
        and best.known >= NGRAM_MIN_FEATURES
        and sum(ch.isalpha() for ch in body.normalised) >= NGRAM_MIN_LETTERS
        and not _foreign_letters(body, best.language)
        and (_known_words(body, best.language) > 0 or _fits(body, best))
    ):
        return best.language
    text = body.bounded
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
    _world().detect_language_of("warm up the language models")
    ngrams.model()
