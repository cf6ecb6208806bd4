"""Cleaning what citizens type before it reaches the engine.

Pure functions, no Telegram objects: strip invisible/bidi control characters, collapse
whitespace, cut over-long questions at a word boundary, remove the bot's @mention.
"""
from __future__ import annotations

import re
import unicodedata

# Bidirectional controls (can make a message display differently from what it contains),
# zero-width characters and the BOM. All are invisible; none carry meaning for a question.
_INVISIBLE = dict.fromkeys(
    [
        0x061C,  # ARABIC LETTER MARK
        0x200B, 0x200C, 0x200D, 0x200E, 0x200F,  # zero width space/non-joiner/joiner, LRM, RLM
        0x202A, 0x202B, 0x202C, 0x202D, 0x202E,  # LRE RLE PDF LRO RLO
        0x2060, 0x2061, 0x2062, 0x2063, 0x2064,  # word joiner, invisible operators
        0x2066, 0x2067, 0x2068, 0x2069,  # LRI RLI FSI PDI
        0xFEFF,  # BOM / zero width no-break space
    ]
)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def clean_question(text: str | None) -> str:
    """Normalise a citizen's message into the question the engine sees.

    Removes bidi/zero-width controls and other control characters (keeps newlines),
    NFC-normalises, collapses runs of spaces and blank lines, strips the ends.
    Emoji and any other visible characters are kept.
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(
        ch for ch in text if ch == "\n" or ch == "\t" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs")
    )
    text = _SPACES.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    text = _BLANK_LINES.sub("\n\n", text)
    return text.strip()


def truncate_question(text: str, limit: int) -> tuple[str, bool]:
    """Cut `text` to at most `limit` characters, at a word boundary when one is near.

    Returns (text, was_truncated).
    """
    if limit <= 0 or len(text) <= limit:
        return text, False
    head = text[:limit]
    cut = max(head.rfind(" "), head.rfind("\n"))
    if cut >= limit * 0.8:
        head = head[:cut]
    return head.rstrip(), True


def strip_mention(text: str, username: str | None) -> str:
    """Remove every `@username` of the bot from `text` (case-insensitive)."""
    if not username:
        return text
    pattern = re.compile(r"@" + re.escape(username) + r"\b", re.IGNORECASE)
    return pattern.sub(" ", text)


def utf16_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2
