"""Builds webhooks/data/langid/profiles.json from nlu_data/ (see webhooks/services/ngrams.py).

Run after changing nlu_data/: `.venv/bin/python -m scripts.build_language_profiles`
(`make language-profiles`); a unit test fails when the file is out of date.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from webhooks.i18n import supported_languages
from webhooks.services.ngrams import PROFILES, build, profile_name
from webhooks.services.text import normalise

ROOT = Path(__file__).resolve().parent.parent


def examples() -> list[tuple[str, str]]:
    found = []
    for path in sorted((ROOT / "nlu_data").glob("*/*.yml")):
        language = path.parent.name
        if language not in supported_languages():
            continue  # nlu_data/any: keyboard mash and emoji, no language
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in data.get("nlu") or []:
            for line in str(block.get("examples", "")).splitlines():
                text = line.strip()
                if text.startswith("- "):
                    normalised = normalise(text[2:].strip().strip('"'))
                    found.append((profile_name(language, normalised), normalised))
    return found


def render() -> str:
    return json.dumps(build(examples()), ensure_ascii=False, separators=(",", ":")) + "\n"


def main() -> None:
    PROFILES.write_text(render(), encoding="utf-8")
    print(f"wrote {PROFILES} ({PROFILES.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
