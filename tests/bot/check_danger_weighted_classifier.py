"""Runs in the Rasa engine's environment (`make bot-test`): the danger-weighted intent classifier.

Missing danger costs ``danger_weight`` times its balanced weight; every other intent keeps its
own; the weights survive Rasa's persist and load (skops refuses types it does not trust).
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

logging.disable(logging.WARNING)

import numpy as np  # noqa: E402
from components.danger_weighted_classifier import (  # noqa: E402
    DANGER_INTENT,
    DangerWeightedClassifier,
    class_weights,
)
from rasa.engine.graph import ExecutionContext, GraphSchema  # noqa: E402
from rasa.engine.storage.local_model_storage import LocalModelStorage  # noqa: E402
from rasa.engine.storage.resource import Resource  # noqa: E402
from rasa.shared.nlu.training_data.features import Features  # noqa: E402
from rasa.shared.nlu.training_data.message import Message  # noqa: E402
from rasa.shared.nlu.training_data.training_data import TrainingData  # noqa: E402
from scipy.sparse import csr_matrix  # noqa: E402


def example(intent: str, vector: list[float], n: int) -> Message:
    # Distinct texts: training data keeps one example per text.
    message = Message.build(text=f"{intent} {n}", intent=intent)
    message.add_features(
        Features(csr_matrix([vector]), "sentence", "text", "test"),
    )
    return message


def trained(storage: LocalModelStorage, danger_weight: float) -> DangerWeightedClassifier:
    # Six danger examples to two of each other intent, as nlu_data/ has a third of danger: the
    # middle of the line between danger and "other" is where the weight decides.
    data = [example(DANGER_INTENT, [1.0, 0.0], n) for n in range(6)]
    data += [example("describe_situation", [0.0, 1.0], n) for n in range(2)]
    data += [example("greet", [-1.0, 0.0], n) for n in range(2)]
    data += [example("thank", [0.0, -1.0], n) for n in range(2)]
    resource = Resource(f"classifier_{danger_weight}")
    context = ExecutionContext(GraphSchema({}), "test")
    config = {**DangerWeightedClassifier.get_default_config(), "danger_weight": danger_weight}
    component = DangerWeightedClassifier.create(config, storage, resource, context)
    component.train(TrainingData(data))
    return DangerWeightedClassifier.load(config, storage, resource, context)


def danger_confidence(component: DangerWeightedClassifier, vector: list[float]) -> float:
    message = Message.build(text="between")
    message.add_features(Features(csr_matrix([vector]), "sentence", "text", "test"))
    ranking = component.process([message])[0].get("intent_ranking")
    return next(r["confidence"] for r in ranking if r["name"] == DANGER_INTENT)


def main() -> None:
    labels = [DANGER_INTENT] * 6 + ["greet"] * 2 + ["thank"] * 4
    # Balanced: n / (classes * count). Danger, the largest intent, weighs least.
    assert class_weights(labels, 1.0) == {DANGER_INTENT: 12 / 18, "greet": 2.0, "thank": 1.0}
    weights = class_weights(labels, 3.0)
    assert np.isclose(weights[DANGER_INTENT], 2.0) and weights["greet"] == 2.0
    assert weights["thank"] == 1.0 and all(type(w) is float for w in weights.values())

    with tempfile.TemporaryDirectory() as tmp:
        storage = LocalModelStorage(Path(tmp))
        plain, weighted = trained(storage, 1.0), trained(storage, 3.0)
        # The weights went through skops' persist and load (a dict of plain floats).
        assert np.isclose(weighted.clf.class_weight[DANGER_INTENT], 3.0 * 12 / (4 * 6))
        between = [0.5, 0.5]
        assert danger_confidence(weighted, between) > danger_confidence(plain, between) + 0.05
        # Far from danger, the weight does not make it danger.
        assert danger_confidence(weighted, [-1.0, 0.0]) < 0.5
    print("danger-weighted classifier: ok")


if __name__ == "__main__":
    main()
