"""The danger net's one decision, completed in the engine with the NLU's evidence.

The app weighs the lexicon and its learned layer (n-grams, a multilingual sentence encoder)
with weights learned on the development sets (webhooks/services/danger_decision.py) and sends
the partial score, with the NLU's two weights, as message metadata (``danger_evidence``). This
component adds the NLU's terms (the log-odds of its ``report_danger`` confidence, and whether
it ranked it first) and decides:

- the sum at least zero: "danger now", whatever intent the NLU put first (it is moved to the
  top of the ranking with the decision's probability as its confidence, or the displaced
  intent's if that was higher, so the fallback classifier does not read it as ambiguous);
- below zero: never "danger now" (the NLU's ``report_danger`` gives way to the next intent of
  the ranking, and the fallback classifier after it decides as usual whether that one is sure
  enough). When the NLU had put ``report_danger`` first, the parse says so (``danger_set_aside``,
  the score): the engine's REST channel (bot/channel.py) tells the app, which gives the number
  first with the usual answer (the line for the unsure), without the danger path.

Why: any-one-of-three raised the false alarms of all three (13% on the development sets) and
still missed danger each missed alone; added up with learned weights, measured leaving each
development set out in turn, the net lost fewer danger texts and raised a quarter fewer false
alarms. A text without evidence (a language we do not speak, the app's layer unavailable, an
intent sent by the app like ``/report_danger``) is left as the NLU said. What the app is sure
of whatever the NLU could say it forces itself, and never reaches this decision.

Runs inside the Rasa engine (Python 3.10, rasa==3.6.21): Rasa's REST channel passes the
request's ``metadata`` to the NLU pipeline with the message.
"""

from __future__ import annotations

import logging
import math
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

log = logging.getLogger(__name__)
DANGER_INTENT = "report_danger"
METADATA_KEY = "danger_evidence"
# In the parse, when the NLU's first intent was report_danger and the decision set it aside.
SET_ASIDE_KEY = "danger_set_aside"
# In the parse, when the decision put report_danger over another first intent: that intent
# (action_mark_danger reads it: a yes to the consent question still hands off after the number).
DANGER_OVER_KEY = "danger_over"
P_MIN = 1e-4  # as webhooks/services/danger_decision.py clamps the NLU's confidence


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)


def evidence_of(message: Message) -> tuple[float, float, float] | None:
    """(partial score, NLU weight, NLU-top weight) from the app, or None."""
    metadata = message.get("metadata") or {}
    evidence = metadata.get(METADATA_KEY) if isinstance(metadata, dict) else None
    if not isinstance(evidence, dict):
        return None
    values = [_number(evidence.get(k)) for k in ("score", "nlu", "nlu_top")]
    if any(v is None for v in values):
        return None
    return values[0], values[1], values[2]  # type: ignore[return-value]


def nlu_logit(confidence: float) -> float:
    p = min(max(confidence, P_MIN), 1 - P_MIN)
    return math.log(p / (1 - p))


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class DangerGate(GraphComponent, IntentClassifier):
    @classmethod
    def required_components(cls) -> list[type]:
        return [IntentClassifier]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {}

    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> DangerGate:
        return cls(config)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            if str(message.get(TEXT) or "").startswith("/"):
                continue  # an intent the app sent: its own decision, never overruled
            evidence = evidence_of(message)
            if evidence is None:
                continue
            partial, nlu_weight, top_weight = evidence
            intent = message.get(INTENT) or {}
            ranking = list(message.get(INTENT_RANKING_KEY) or [])
            confidence = next(
                (
                    float(r.get("confidence") or 0.0)
                    for r in ranking
                    if r.get("name") == DANGER_INTENT
                ),
                0.0,
            )
            top = intent.get("name") == DANGER_INTENT
            score = partial + nlu_weight * nlu_logit(confidence) + top_weight * float(top)
            others = [r for r in ranking if r.get("name") != DANGER_INTENT]
            if score >= 0 and not top:
                # At least the confidence of the intent it displaces: the fallback classifier
                # after this reads a first intent less sure than the second as ambiguous.
                sure = max(1 / (1 + math.exp(-score)), float(intent.get("confidence") or 0.0))
                danger = {"name": DANGER_INTENT, "confidence": sure}
                log.debug("report_danger decided (%.2f) over %s", score, intent.get("name"))
                message.set(INTENT, danger, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [danger, *others], add_to_output=True)
                displaced = {"name": intent.get("name"), "confidence": intent.get("confidence")}
                message.set(DANGER_OVER_KEY, displaced, add_to_output=True)
            elif score < 0 and top and others:
                log.debug("report_danger (%.3f) set aside: %.2f", confidence, score)
                message.set(INTENT, others[0], add_to_output=True)
                message.set(INTENT_RANKING_KEY, others, add_to_output=True)
                message.set(SET_ASIDE_KEY, round(score, 3), add_to_output=True)
        return messages
