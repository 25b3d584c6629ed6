"""The NLU examples in nlu_data/<lang>/*.yml, as the app-side builders read them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def nlu_examples() -> Iterator[tuple[str, str, str]]:
    """(language folder, intent, example text) for every example, in file order."""
    for path in sorted((ROOT / "nlu_data").glob("*/*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in data.get("nlu") or []:
            if "intent" not in block:
                continue
            for line in str(block.get("examples", "")).splitlines():
                text = line.strip()
                if text.startswith("- "):
                    yield path.parent.name, block["intent"], text[2:].strip().strip('"')
