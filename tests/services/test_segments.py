"""SMS segment counting: GSM-7 vs UCS-2."""

from __future__ import annotations

import pytest

from webhooks.services.segments import encoding, segments


@pytest.mark.parametrize(
    ("text", "expected", "enc"),
    [
        ("a" * 160, 1, "GSM-7"),
        ("a" * 161, 2, "GSM-7"),
        ("a" * 306, 2, "GSM-7"),
        ("a" * 307, 3, "GSM-7"),
        ("€" * 80, 1, "GSM-7"),  # extension characters cost two septets
        ("€" * 81, 2, "GSM-7"),
        ("ñ" * 160, 1, "GSM-7"),
        ("á" * 70, 1, "UCS-2"),
        ("á" * 71, 2, "UCS-2"),
        ("我" * 134, 2, "UCS-2"),
        ("我" * 135, 3, "UCS-2"),
        ("🙏" * 35, 1, "UCS-2"),  # surrogate pairs: two code units each
        ("🙏" * 36, 2, "UCS-2"),
    ],
)
def test_segments(text, expected, enc):
    assert segments(text) == expected
    assert encoding(text) == enc
