"""The danger net's one decision: the learned layer and the NLU weighed together, the lexicon
overruled only when everything else is overwhelmingly sure.

Until this, any one of the three sent a text down the danger path, and their false alarms added
up (the lexicon, the layer and the NLU about 7% each on the development sets, 13% together)
while each still missed danger the others caught. Here the learned evidence is added up, with
weights learned on the development sets (``eval/heldout_v4`` and on: texts written outside the
project, never trained on by the NLU or the layer):

    score = intercept + bias[language] + w_ngrams * (n-gram log-odds)
            + w_sentence * (sentence machine's decision value)
            + w_nlu * logit(the NLU's report_danger confidence)
            + w_top * (it is the NLU's top intent)

- No pattern of the lexicon matched: danger when the score reaches ``threshold``, set to keep
  97% of the development sets' danger texts of that kind: each set left out in turn, that
  catches as many danger texts as any-one-of-three did (0.980 against 0.979) with a quarter fewer
  false alarms (10.1% against 13.0%). At 97.5% it caught a few more (0.983) but the extra false
  alarms fell on ordinary turns of scripted conversations ("he's gone, I can talk now").
- Close to the bar without reaching it (the score without the NLU's terms at or above
  ``soft``): no danger path, but the reply carries "If you are in danger now, call ..." when
  the engine's answer does not already hold the number. The bar, one per language, gives the
  number to 99.5% of each language's development danger texts; a line of text costs a texter
  who is not in danger far less than a missing number costs one who is.
- A pattern matched: danger unless the score is below ``veto``, which sits ``VETO_GAP`` below
  the lowest score of any danger text the lexicon caught in the development sets. Measured
  against a weighted vote (where the lexicon is one more piece of evidence), the lexicon's word
  is worth this: that vote lost hand-picked danger the patterns exist for ("hắn muốn giết em",
  he wants to kill me; "fui sequestrada na rodoviária", I was kidnapped at the bus station).
  ``eval/danger_decision.py`` refuses to write a decision that would overrule any danger text the
  lexicon catches in any held-out set, the lexicon's own early sets included.

Measured leaving each development set out in turn, this lost fewer danger texts than
any-one-of-three at lower false alarms (``validation`` in the JSON file; ``make eval`` prints
both rules side by side).

Where the pieces run. The app computes everything but the NLU's terms (``partial``, the score
minus the threshold or the veto) before it asks the engine:
- if it is danger whatever the NLU could say (its terms at their lowest), the app forces the
  danger path itself, as before: the emergency number first even when the engine or the NLU
  fails (nearly every lexicon hit is decided here);
- otherwise the partial score and the NLU's two weights go to the engine as message metadata
  (``danger_evidence``), and the engine's danger gate (``bot/components/danger_gate.py``) adds
  the NLU's terms and decides: "danger now" when the sum is at least zero, whatever intent the
  NLU put first, and never "danger now" below it.
When the engine is not asked (staff are answering) or does not answer, the app decides alone, as
it always did: a lexicon hit or a positive layer margin is danger, and the emergency number goes
first.

Built by ``eval/danger_decision.py`` (``make danger-decision``) into
``webhooks/data/danger_decision.json``, which records the digests of the layer and the lexicon
it was fitted with; a unit test fails when either changed without a rebuild.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

log = logging.getLogger(__name__)
PATH = Path(__file__).resolve().parent.parent / "data" / "danger_decision.json"
LEXICON_DIR = Path(__file__).resolve().parent.parent / "data" / "danger"
METADATA_KEY = "danger_evidence"
# The NLU's confidence is clamped before its log-odds are taken, here and in the engine's gate,
# so that neither 0.0 (not in the ranking) nor 1.0 weighs without bound.
P_MIN = 1e-4


def nlu_logit(confidence: float) -> float:
    p = min(max(confidence, P_MIN), 1 - P_MIN)
    return math.log(p / (1 - p))


def lexicon_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted(LEXICON_DIR.glob("*.txt")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def score_with_nlu(evidence: dict[str, float], confidence: float, top: bool) -> float:
    """The engine's gate's sum (bot/components/danger_gate.py, which cannot import this): the
    app's partial score plus the NLU's terms; danger at or above zero. For `make eval`."""
    return evidence["score"] + evidence["nlu"] * nlu_logit(confidence) + evidence["nlu_top"] * top


@dataclass(frozen=True)
class Decision:
    intercept: float
    threshold: float
    veto: float
    ngrams: float
    sentence: float
    nlu: float
    nlu_top: float
    language_bias: dict[str, float]
    # The bar of the line for the unsure (partial scores at or above it, below the danger path),
    # per language, and over all languages for a text whose language is not known yet; None: no
    # line.
    soft: float | None = None
    soft_by_language: dict[str, float] = field(default_factory=dict)

    def partial(
        self, lexicon: bool, ngram_logit: float, sentence: float | None, language: str | None
    ) -> float:
        """The score without the NLU's terms, less the bar it has to reach: the veto when a
        pattern of the lexicon matched, else the threshold. ``sentence`` None (Vietnamese, or
        the encoder down) counts as zero, as it was fitted."""
        return (
            self.intercept
            + self.language_bias.get(language or "", 0.0)
            + self.ngrams * ngram_logit
            + self.sentence * (sentence or 0.0)
            - (self.veto if lexicon else self.threshold)
        )

    def nlu_terms(self, confidence: float, top: bool) -> float:
        return self.nlu * nlu_logit(confidence) + self.nlu_top * float(top)

    def sure_without_nlu(self, partial: float) -> bool:
        """Danger whatever the NLU could say: the app forces the danger path."""
        lowest = self.nlu * nlu_logit(0.0 if self.nlu >= 0 else 1.0) + min(0.0, self.nlu_top)
        return partial + lowest >= 0

    def unsure(self, partial: float, language: str | None = None) -> bool:
        """Not sure enough to force the danger path, but close: the reply carries the emergency
        number whatever the engine answers (inbound adds the line when its replies lack it)."""
        if self.soft is None:
            return False
        return partial >= self.soft_by_language.get(language or "", self.soft)

    def evidence(self, partial: float) -> dict[str, float]:
        """The metadata the engine's gate completes with the NLU's terms."""
        return {"score": round(partial, 4), "nlu": self.nlu, "nlu_top": self.nlu_top}


def from_data(data: dict) -> Decision:
    weights = data["weights"]
    return Decision(
        intercept=float(data["intercept"]),
        threshold=float(data["threshold"]),
        veto=float(data["veto"]),
        ngrams=float(weights["ngrams"]),
        sentence=float(weights["sentence"]),
        nlu=float(weights["nlu"]),
        nlu_top=float(weights["nlu_top"]),
        language_bias={k: float(v) for k, v in data["language_bias"].items()},
        soft=float(data["soft"]) if data.get("soft") is not None else None,
        soft_by_language={k: float(v) for k, v in (data.get("soft_by_language") or {}).items()},
    )


@cache
def decision() -> Decision | None:
    """Loaded once per process; None (logged) when the file is missing or broken: the app's
    layers then decide as any-one-of-them and the NLU decides alone in the engine."""
    try:
        return from_data(json.loads(PATH.read_text(encoding="utf-8")))
    except Exception:
        log.exception("danger decision unavailable; each layer decides alone")
        return None
