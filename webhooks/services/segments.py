"""What an SMS costs: GSM-7 or UCS-2 encoding, and how many segments a text takes."""

from __future__ import annotations

# GSM 03.38 basic character set, and the extension table (each costs two septets).
GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = set("^{}\\[~]|€\f")


def is_gsm7(text: str) -> bool:
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENDED for ch in text)


def segments(text: str) -> int:
    """Number of SMS segments (concatenated messages use a 6/7-byte header per part)."""
    if not text:
        return 1
    if is_gsm7(text):
        septets = sum(2 if ch in GSM7_EXTENDED else 1 for ch in text)
        return 1 if septets <= 160 else -(-septets // 153)
    # UCS-2 counts UTF-16 code units: an emoji outside the BMP takes two.
    units = len(text.encode("utf-16-le")) // 2
    return 1 if units <= 70 else -(-units // 67)


def encoding(text: str) -> str:
    return "GSM-7" if is_gsm7(text) else "UCS-2"
