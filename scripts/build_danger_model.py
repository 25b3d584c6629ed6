"""Builds webhooks/data/danger_model.json from nlu_data/ (see webhooks/services/danger_model.py).

Run after changing nlu_data/: `.venv/bin/python -m scripts.build_danger_model`
(`make danger-model`); a unit test fails when the file is out of date.
"""

from __future__ import annotations

import json
import time

from scripts.nlu_examples import nlu_examples
from webhooks.services.danger_model import MODEL_PATH, Example, build, examples_from
from webhooks.services.text import normalise


def examples() -> list[Example]:
    return examples_from(
        (language, intent, normalise(text)) for language, intent, text in nlu_examples()
    )


def main() -> None:
    started = time.monotonic()
    data = build(examples())
    MODEL_PATH.write_text(
        json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8"
    )
    print(
        f"wrote {MODEL_PATH} ({MODEL_PATH.stat().st_size // 1024} KiB, "
        f"{len(data['weights'])} weights, threshold {data['threshold']:.3f}, "
        f"cross-validated {data['validation']}, {time.monotonic() - started:.0f} s)"
    )


if __name__ == "__main__":
    main()
