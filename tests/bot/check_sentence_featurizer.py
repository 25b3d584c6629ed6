"""Runs in the Rasa engine's environment (`make bot-test`): the NLU's sentence features."""

from __future__ import annotations

import logging

logging.disable(logging.WARNING)

import numpy as np  # noqa: E402
from components.sentence_featurizer import (  # noqa: E402
    SentenceEncoderFeaturizer,
    training_readings,
)
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
    # The app's reading back of a romanised text (metadata "reading") is what the encoder reads.
    translit = Message.build(text="menya ne vypuskayut iz doma")
    translit.set("metadata", {"reading": "меня не выпускают из дома"})
    read = featurizer.process([translit])[0].get_dense_features("text")[1].features[0]
    assert np.allclose(read, sentence(featurizer, "меня не выпускают из дома"), atol=1e-5)
    assert not np.allclose(read, sentence(featurizer, "menya ne vypuskayut iz doma"), atol=1e-3)
    # A reading that is not text, or comes with no text, is not read.
    for text, metadata in (("hola", {"reading": 5}), ("", {"reading": "меня"})):
        message = Message.build(text=text)
        message.set("metadata", metadata)
        features = featurizer.process([message])[0].get_dense_features("text")[1]
        if text:
            assert np.allclose(features.features[0], sentence(featurizer, text), atol=1e-5)
        else:
            assert features is None
    # Training examples carry no metadata: a romanised example is learned from the app's reading
    # of it (bot/readings.json, scripts/build_readings.py), as the encoder will meet it.
    readings = training_readings()
    assert len(readings) > 500
    example, reading = next(iter(readings.items()))
    learned = featurizer.featurize([Message.build(text=example)], readings)[0]
    vector = learned.get_dense_features("text")[1].features[0]
    assert np.allclose(vector, sentence(featurizer, reading), atol=1e-5)
    # A text with no reading there, or a message the app sent a reading with, is as before.
    assert np.allclose(
        featurizer.featurize([Message.build(text="hola")], readings)[0]
        .get_dense_features("text")[1]
        .features[0],
        sentence(featurizer, "hola"),
        atol=1e-5,
    )
    translit.set("metadata", {"reading": "меня не выпускают из дома"})
    translit.features = []
    again = featurizer.featurize([translit], {translit.get("text"): "что-то другое"})[0]
    assert np.allclose(again.get_dense_features("text")[1].features[0], read, atol=1e-5)
    # Rasa's training cache keys the featurizer's output on the readings' content too.
    assert SentenceEncoderFeaturizer.fingerprint_addon(config)
    print("sentence featurizer: ok")


if __name__ == "__main__":
    main()
