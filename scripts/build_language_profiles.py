"""Builds webhooks/data/langid/profiles.json from nlu_data/ (see webhooks/services/ngrams.py).

Run after changing nlu_data/: `.venv/bin/python -m scripts.build_language_profiles`
(`make language-profiles`); a unit test fails when the file is out of date.
"""

from __future__ import annotations

import json

from scripts.nlu_examples import nlu_examples
from webhooks.i18n import supported_languages
from webhooks.services.ngrams import PROFILES, build, profile_name
from webhooks.services.text import normalise


def examples() -> list[tuple[str, str]]:
    found = []
    for language, _, text in nlu_examples():
        if language in supported_languages():  # nlu_data/any: keyboard mash and emoji, no language
            normalised = normalise(text)
            found.append((profile_name(language, normalised), normalised))
    return found


def render() -> str:
    return json.dumps(build(examples()), ensure_ascii=False, separators=(",", ":")) + "\n"


def main() -> None:
    PROFILES.write_text(render(), encoding="utf-8")
    print(f"wrote {PROFILES} ({PROFILES.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
