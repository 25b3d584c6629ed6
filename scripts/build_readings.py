"""Writes bot/readings.json: the reading back of every romanised Russian and Korean
example of nlu_data/, as the app sends it (webhooks/services/danger_model.py, ``engine_reading``).

At run time the app sends the engine such a text with its reading in the message metadata, and
the NLU's sentence encoder reads the reading instead of the Latin letters
(bot/components/sentence_featurizer.py). Rasa's training data carries no metadata, and the
engine cannot import the app's reader (another Python environment), so without this file the
encoder learned those examples as Latin letters and met them as Cyrillic, Hangul or Arabic
letters: it was trained on one text and asked about another.

A text found in more than one language's examples is left out: the engine's training data
does not say which language an example is in, and such a text is read as written.

Arabizi (Arabic in Latin letters) is left out too, and the encoder learns it as written: its
reading back is the roughest of the three (short vowels guessed, dialects read alike), and on the
development sets, with everything else the same, the NLU alone caught .761 of the Arabizi danger
texts when it learned them from their readings against .803 from the Latin letters (v4 to v32,
docs/architecture.md). The app does not send the engine an Arabizi text's reading at run time
either (``ENCODER_AS_WRITTEN``).

Run after changing nlu_data/ or the readers: `.venv/bin/python -m scripts.build_readings`
(part of `make danger-model`, a second); a unit test fails when the file is out of date.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from scripts.nlu_examples import nlu_examples
from webhooks.services.danger_model import engine_reading

PATH = Path(__file__).resolve().parent.parent / "bot" / "readings.json"


def readings() -> dict[str, str]:
    rows = list(nlu_examples())
    languages: dict[str, set[str]] = defaultdict(set)
    for language, _, text in rows:
        languages[text].add(language)
    found: dict[str, str] = {}
    for language, _, text in rows:
        if len(languages[text]) > 1:
            continue
        read = engine_reading(text, language)  # what the app sends with such a text at run time
        if read is not None:
            found[text] = read
    return dict(sorted(found.items()))


def render(found: dict[str, str]) -> str:
    return json.dumps({"readings": found}, ensure_ascii=False, indent=0, sort_keys=True) + "\n"


def main() -> None:
    found = readings()
    PATH.write_text(render(found), encoding="utf-8")
    print(f"wrote {PATH} ({len(found)} readings)")


if __name__ == "__main__":
    main()
