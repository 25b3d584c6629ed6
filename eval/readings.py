"""Runs in the app's environment: the readings back the app sends the engine with a text.

`eval/nlu_predict.py` (the engine's environment) parses held-out texts as the app sends them:
romanised Russian and Korean go with their reading back in the message metadata
(webhooks/services/danger_model.py, ``engine_reading``; Arabizi goes as written). It asks this
script for the readings, so the evaluation uses the app's own code. Reads a JSON list of
[language, text] pairs on stdin, writes a JSON list of readings (null where the app sends none)
on stdout.
"""

from __future__ import annotations

import json
import sys

from webhooks.services.danger_model import engine_reading


def readings(pairs: list[tuple[str, str]]) -> list[str | None]:
    return [engine_reading(text, language) for language, text in pairs]


if __name__ == "__main__":
    json.dump(readings(json.load(sys.stdin)), sys.stdout, ensure_ascii=False)
