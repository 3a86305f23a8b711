"""Colour contrast as WCAG 2.2 defines it (relative luminance of sRGB), for the council's brand
colour: the header, navigation and buttons put white text on it."""

from __future__ import annotations

import re

HEX_COLOUR = re.compile(r"^#[0-9a-f]{6}$")
WHITE = "#ffffff"
# WCAG 2.2 success criterion 1.4.3 (level AA): normal-size text needs 4.5:1 against its background.
AA_TEXT_CONTRAST = 4.5


def normalise(value: str) -> str:
    """"#0B3D66 " → "#0b3d66"; a three-digit "#abc" → "#aabbcc". The result may still be invalid."""
    text = value.strip().lower()
    if re.fullmatch(r"#[0-9a-f]{3}", text):
        text = "#" + "".join(ch * 2 for ch in text[1:])
    return text


def is_hex_colour(value: str) -> bool:
    return bool(HEX_COLOUR.match(value))


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    if not is_hex_colour(colour):
        raise ValueError(f"not a colour like #0b3d66: {colour!r}")
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(first: str, second: str) -> float:
    """From 1 (the same) to 21 (black on white)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def readable_under_white_text(colour: str) -> bool:
    return contrast_ratio(colour, WHITE) >= AA_TEXT_CONTRAST


def describe_ratio(ratio: float) -> str:
    """"4.4" for 4.49: cut, not rounded, so a colour just short of 4.5 never reads as passing."""
    return f"{int(ratio * 10) / 10:.1f}"
