"""What a person typed, made safe to print on a terminal: never Rich markup, never a control code."""

from __future__ import annotations

import unicodedata

from rich.text import Text

from nasalis.diary.records import UNPRINTABLE


def printable(text: str) -> str:
    """Typed text with each unprintable character written as a visible escape such as \\x1b or \\u202e."""
    return "".join(_visible(c) if unicodedata.category(c) in UNPRINTABLE else c for c in text)


def typed(text: str, style: str = "") -> Text:
    """Typed text as a Rich Text: printed as it reads, so "[link=…]" stays those characters."""
    return Text(printable(text), style=style)


def _visible(char: str) -> str:
    if char in "\n\t":  # a note's own line breaks and tabs are part of what was written
        return char
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"
