"""Runs in the Rasa engine's environment (`make bot-test`): the NLU's sentence features."""

from __future__ import annotations

import logging

logging.disable(logging.WARNING)

import numpy as np  # noqa: E402
from components.sentence_featurizer import SentenceEncoderFeaturizer  # noqa: E402
from rasa.shared.nlu.training_data.message import Message  # noqa: E402


def sentence(featurizer: SentenceEncoderFeaturizer, text: str) -> np.ndarray:
    message = featurizer.process([Message.build(text=text)])[0]
    sequence, sentence_features = message.get_dense_features("text")
    assert sequence is None  # the classifier reads sentence features only
    assert sentence_features is not None and sentence_features.features.shape == (1, 512)
    return sentence_features.features[0]


def main() -> None:
    config = {**SentenceEncoderFeaturizer.get_default_config(), "alias": "sentences"}
    featurizer = SentenceEncoderFeaturizer(config, "sentences")
    threat = sentence(featurizer, "they will hurt my family if i leave")
    # The same meaning in other words and other languages is nearer than an everyday text.
    near = [
        "they said my mother will pay if i run away",
        "si me voy le harán daño a mi familia",
        "如果我走了他们会伤害我的家人",
    ]
    far = sentence(featurizer, "where can i buy a cheap phone charger")
    for text in near:
        assert threat @ sentence(featurizer, text) > threat @ far, text
    assert abs(np.linalg.norm(threat) - 1.0) < 1e-3
    # A message without text (a media message) gets no features and no error.
    assert featurizer.process([Message.build(text="")])[0].get_dense_features("text") == (
        None,
        None,
    )
    print("sentence featurizer: ok")


if __name__ == "__main__":
    main()
