"""Inline keyboards and their callback data.

callback_data must stay <= 64 bytes (Telegram rejects longer with BUTTON_DATA_INVALID), so
it carries only short server-side keys: the conversation row id and a source number. The
passage id itself (which can be long) is looked up in the conversation log.

    fb:<conversation id>:+|-     feedback 👍 / 👎
    ps:<conversation id>:<n>     show the full passage of source n (1-based)
    hp:<conversation id>         ask for a human (0 = no conversation)
    hd:y | hd:n                  /hapusdata confirmation
"""
from __future__ import annotations

import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from . import messages as m

MAX_CALLBACK_BYTES = 64
MAX_PASSAGE_BUTTONS = 3

FEEDBACK = re.compile(r"^fb:(\d{1,19}):([+-])$")
PASSAGE = re.compile(r"^ps:(\d{1,19}):(\d{1,2})$")
STAFF = re.compile(r"^hp:(\d{1,19})$")
DELETE = re.compile(r"^hd:([yn])$")


def _button(text: str, data: str) -> InlineKeyboardButton:
    if len(data.encode("utf-8")) > MAX_CALLBACK_BYTES:  # pragma: no cover - guarded by formats
        raise ValueError(f"callback_data too long: {len(data.encode())} bytes")
    return InlineKeyboardButton(text, callback_data=data)


def answer_keyboard(conversation_id: int | None, n_sources: int, *, feedback: bool = True) -> InlineKeyboardMarkup:
    rows: list[list[InlineKeyboardButton]] = []
    cid = conversation_id or 0
    if conversation_id and feedback:
        rows.append([_button(m.BTN_UP, f"fb:{cid}:+"), _button(m.BTN_DOWN, f"fb:{cid}:-")])
    if conversation_id and n_sources:
        shown = min(n_sources, MAX_PASSAGE_BUTTONS)
        if shown == 1:
            rows.append([_button(m.BTN_PASSAGE, f"ps:{cid}:1")])
        else:
            rows.append([_button(m.BTN_PASSAGE_N.format(n=i), f"ps:{cid}:{i}") for i in range(1, shown + 1)])
    rows.append([_button(m.BTN_STAFF, f"hp:{cid}")])
    return InlineKeyboardMarkup(rows)


def without_feedback(markup: InlineKeyboardMarkup | None) -> InlineKeyboardMarkup | None:
    """The same keyboard minus the 👍/👎 row (after the user has rated)."""
    if markup is None:
        return None
    rows = [
        list(row)
        for row in markup.inline_keyboard
        if not any((b.callback_data or "").startswith("fb:") for b in row)
    ]
    return InlineKeyboardMarkup(rows) if rows else None


def delete_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[_button(m.YES, "hd:y"), _button(m.CANCEL, "hd:n")]])
