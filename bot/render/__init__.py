"""Rendering the engine's typed answers (and passages, the source list) for the reader.

Pure functions only (no I/O, no Telegram objects):

* `answer`: an Answer's blocks as Telegram HTML (everything escaped), split into messages;
* `plain`: the same blocks as plain text for the terminal chat and the CLI;
* `blocks`: the one layout both follow; `split`: cutting HTML at 4096 UTF-16 units;
* `catalog`: a passage in full and the /sumber list.
"""
from __future__ import annotations

from .answer import MAX_ANSWER_MESSAGES, STAFF_HINT, answer_messages, cap_messages, render_answer
from .catalog import render_documents, render_passage
from .markup import esc, esc_attr, link
from .plain import render_plain
from .split import TELEGRAM_MAX, split_html

__all__ = [
    "MAX_ANSWER_MESSAGES", "STAFF_HINT", "TELEGRAM_MAX", "answer_messages", "cap_messages", "esc", "esc_attr",
    "link", "render_answer", "render_documents", "render_passage", "render_plain", "split_html",
]
