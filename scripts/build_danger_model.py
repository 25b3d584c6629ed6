"""Builds the danger net's learned layer from nlu_data/ (see webhooks/services/danger_model.py):
webhooks/data/danger_model.json (the n-grams, thresholds, figures) and
webhooks/data/danger_encoder.npz (the sentence machine's support vectors).

Run after changing nlu_data/: `.venv/bin/python -m scripts.build_danger_model`
(`make danger-model`, about 3 minutes); a unit test fails when the files are out of date.
"""

from __future__ import annotations

import json
import time

import numpy as np

from scripts.nlu_examples import nlu_examples
from webhooks.services.danger_model import ENCODER_PATH, MODEL_PATH, Example, build, examples_from


def examples() -> list[Example]:
    return examples_from(nlu_examples())


def main() -> None:
    started = time.monotonic()
    data, arrays = build(examples())
    MODEL_PATH.write_text(
        json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8"
    )
    np.savez_compressed(ENCODER_PATH, **arrays)
    print(
        f"wrote {MODEL_PATH} ({MODEL_PATH.stat().st_size // 1024} KiB, "
        f"{len(data['weights'])} weights) and {ENCODER_PATH} "
        f"({ENCODER_PATH.stat().st_size // 1024} KiB, {len(arrays['coef'])} support vectors); "
        f"n-grams alone {data['ngram_validation']} at {data['threshold']:.3f}, "
        f"with the sentences {data['validation']} ({time.monotonic() - started:.0f} s)"
    )


if __name__ == "__main__":
    main()
