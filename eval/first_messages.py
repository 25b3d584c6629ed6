"""First-message language on eval/heldout_v2 and v3 (never trained on): what the app answers in;
languages we do not speak on those and on eval/heldout_v12 (the blind one).

Supported languages: the reply's language is the one detected, or the default (English) when
nothing is clear. Languages we do not speak: identified as that language (never a supported
one substituted); "other" counts any unsupported identification, "exact" the right one.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import yaml

from webhooks.services.language import identify_language
from webhooks.services.text import Body

EVAL = Path(__file__).resolve().parent
DEFAULT = "en"


def main(verbose: bool = False) -> None:
    for name in ("heldout_v2", "heldout_v3"):
        report(EVAL / name, verbose)
    unsupported(EVAL / "heldout_v12")
    unsupported(EVAL / "heldout_v13")


def report(heldout: Path, verbose: bool) -> dict[str, float]:
    print(f"\n== First-message language (eval/{heldout.name}, never trained on) ==")
    print(f"{'lang':<6} {'right':>6} {'n':>4} {'rate':>6}  wrong answers")
    total = right_total = 0
    rates = {}
    for path in sorted(heldout.glob("*.yml")):
        if path.stem == "unsupported":
            continue
        texts = yaml.safe_load(path.read_text(encoding="utf-8")).get("first_messages") or []
        if not texts:
            continue
        wrong = []
        for text in texts:
            found = identify_language(Body.of(text))
            answer = found.language or (f"other:{found.other}" if found.other else DEFAULT)
            if answer != path.stem:
                wrong.append(f"{text!r}->{answer}")
        right = len(texts) - len(wrong)
        rates[path.stem] = right / len(texts)
        total, right_total = total + len(texts), right_total + right
        shown = "; ".join(wrong) if verbose else "; ".join(wrong[:3])
        print(f"{path.stem:<6} {right:6d} {len(texts):4d} {right / len(texts):6.3f}  {shown}")
    print(f"{'all':<6} {right_total:6d} {total:4d} {right_total / total:6.3f}")
    unsupported(heldout)
    return rates


def unsupported(heldout: Path) -> None:
    """Identified as a language we do not speak ("other"), as the right one ("exact"), answered
    in one of ours (a related language substituted), or undecided (the default, English)."""
    print(f"\n== Languages we do not speak (eval/{heldout.name}/unsupported.yml) ==")
    print(f"{'lang':<6} {'other':>6} {'exact':>6} {'ours':>5} {'n':>4}  answered as")
    data = yaml.safe_load((heldout / "unsupported.yml").read_text(encoding="utf-8"))
    all_other = all_exact = all_ours = all_n = 0
    for code, texts in data.items():
        answers = Counter()
        ours = 0
        for text in texts:
            found = identify_language(Body.of(text))
            ours += found.language is not None
            answers[f"other:{found.other}" if found.other else (found.language or "undecided")] += 1
        other = sum(n for a, n in answers.items() if a.startswith("other:"))
        exact = answers.get(f"other:{code}", 0)
        all_other, all_exact, all_n = all_other + other, all_exact + exact, all_n + len(texts)
        all_ours += ours
        shown = ", ".join(f"{a}×{n}" for a, n in answers.most_common())
        print(f"{code:<6} {other:6d} {exact:6d} {ours:5d} {len(texts):4d}  {shown}")
    print(
        f"{'all':<6} {all_other:6d} {all_exact:6d} {all_ours:5d} {all_n:4d}  "
        f"({all_other / all_n:.3f} identified as not ours, {all_exact / all_n:.3f} exactly; "
        f"{all_ours} answered in one of ours)"
    )


if __name__ == "__main__":
    main(verbose="-v" in sys.argv)
