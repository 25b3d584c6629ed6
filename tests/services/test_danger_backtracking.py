"""No danger pattern backtracks badly on what a texter can send: 1,600 characters.

Each pattern runs against adversarial inputs built from its own words (one word repeated with
and without spaces, neighbouring words alternating, single letters, digits, CJK). Its time is
compared with a plain pattern over the same input: an alternation of the same words with no
quantifier, which scans every position once. A pattern much slower than that is then checked
for growth, against itself: from 400 to 1,600 characters a linear pattern takes at most 4x as
long (less, with the call's own overhead); one that backtracks grows with the square (16x) or
worse. Only relative times are asserted, never a duration.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

from webhooks.services.safety import _lexicon
from webhooks.services.text import MATCH_LIMIT

SUSPECT_RATIO = 30  # slower than the plain scan by this much: measure its growth
MAX_GROWTH = 8.0  # 4x the length: linear is at most 4x the time, quadratic 16x


def _words(pattern: str) -> list[str]:
    return list(dict.fromkeys(re.findall(r"[^\W\d_]+", pattern))) or ["a"]


def _fill(unit: str, length: int = MATCH_LIMIT) -> str:
    return (unit * (length // len(unit) + 1))[:length]


def _units(pattern: str) -> Iterator[str]:
    words = _words(pattern)
    for word in words:
        yield word + " "
        yield word
    for first, second in zip(words, words[1:8], strict=False):
        yield f"{first} {second} "
    yield " ".join(words) + " "
    yield from ("a", "a ", "1 ", "中", "ab ")


def _plain(pattern: str) -> re.Pattern[str]:
    """Tries every word at every position, and never matches: one linear scan."""
    return re.compile("(?:" + "|".join(map(re.escape, _words(pattern))) + ")(?!)")


def _time(regex: re.Pattern[str], text: str, at_least: float = 0.0, runs: int = 3) -> float:
    number, best = 1, float("inf")
    while True:
        for _ in range(runs):
            started = time.perf_counter()
            for _ in range(number):
                regex.search(text)
            best = min(best, (time.perf_counter() - started) / number)
        if best * number >= at_least or number >= 4096:
            return best
        number *= 4


def _growth(regex: re.Pattern[str], unit: str, rounds: int = 4) -> float:
    """Long and short timed in turns and the best of each kept: a busy machine can only
    slow a measurement down, so the minimum is the pattern's own time."""
    long, short = _fill(unit), _fill(unit, MATCH_LIMIT // 4)
    best_long = best_short = float("inf")
    for _ in range(rounds):
        best_short = min(best_short, _time(regex, short, 0.0005))
        best_long = min(best_long, _time(regex, long, 0.0005))
    return best_long / best_short


def test_no_danger_pattern_backtracks_on_1600_characters():
    slow = []
    for language, regex in _lexicon():
        plain = _plain(regex.pattern)
        for unit in _units(regex.pattern):
            text = _fill(unit)
            # A quick first look; anything that looks slow is measured with care.
            quick = _time(regex, text, runs=1)
            if quick <= SUSPECT_RATIO * _time(plain, text, 0.00005, runs=1):
                continue
            growth = _growth(regex, unit)
            if growth > MAX_GROWTH:
                slow.append(f"{language} {regex.pattern[:50]!r} on {unit[:12]!r}: x{growth:.0f}")
                break
    assert not slow, "patterns that backtrack:\n" + "\n".join(slow)


def test_the_check_finds_a_pattern_that_backtracks():
    """The measurement itself: a nested quantifier is caught, its rewrite is not."""
    nested = re.compile(r"(ضرب)\w*( \w+){0,2} (بالقتل)")
    fixed = re.compile(r"(?<!\w)(?=\w*?ضرب)\w*+( \w++){0,2} (بالقتل)")
    text = _fill("ضرب")
    assert _time(nested, text) > SUSPECT_RATIO * _time(_plain(nested.pattern), text, 0.0002)
    assert _growth(nested, "ضرب") > MAX_GROWTH
    assert _growth(fixed, "ضرب") <= MAX_GROWTH
