"""Rasa's logistic-regression intent classifier, with missing danger costing more.

Rasa's ``LogisticRegressionClassifier`` fits with ``class_weight="balanced"``: each intent's
examples weigh in inverse proportion to how many there are. ``report_danger`` has by far the
most examples (about a third of ``nlu_data/``: danger is told in many more ways than "thanks"),
so balancing gave it the *smallest* weight of all 21 intents (0.15 against a mean of 2.3 on
the 21,236 examples of 2026-12-05): the classifier was fitted as if missing danger cost least.
Here its balanced weight is multiplied by ``danger_weight`` (4 in bot/config.yml: 0.58, still
under the mean); every other intent keeps its balanced weight.

This moves the NLU's own danger confidence up (the decision that weighs it with the app's
evidence is refitted on the development sets after any change to the NLU:
``eval/danger_decision.py``).

Runs inside the Rasa engine (Python 3.10, rasa==3.6.21).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import csr_matrix
from sklearn.utils.class_weight import compute_class_weight

DANGER_INTENT = "report_danger"


def class_weights(labels: list[str], danger_weight: float) -> dict[str, float]:
    """sklearn's balanced weights, the danger intent's multiplied by ``danger_weight``."""
    classes = np.array(sorted(set(labels)))
    balanced = compute_class_weight("balanced", classes=classes, y=np.array(labels))
    return {
        str(name): float(weight) * (danger_weight if name == DANGER_INTENT else 1.0)
        for name, weight in zip(classes, balanced, strict=True)
    }


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class DangerWeightedClassifier(LogisticRegressionClassifier):
    """``LogisticRegressionClassifier`` with the danger intent's weight multiplied."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**LogisticRegressionClassifier.get_default_config(), "danger_weight": 1.0}

    def _create_training_matrix(self, training_data: TrainingData) -> tuple[csr_matrix, list[str]]:
        """Rasa's (X, y), read once: the weights are set from the labels Rasa fits on, just
        before its ``train`` fits."""
        x, labels = super()._create_training_matrix(training_data)
        if labels:
            self.clf.class_weight = class_weights(labels, float(self.config["danger_weight"]))
        return x, labels
