"""Telegram markup for the button layouts of bot/buttons.py (the callback table)."""
from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from . import buttons
from .buttons import FEEDBACK, Keyboard


def markup(keyboard: Keyboard | None) -> InlineKeyboardMarkup | None:
    if keyboard is None:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(b.text, callback_data=b.data) for b in row]
                                 for row in keyboard.rows])


def answer_keyboard(conversation_id: int | None, n_sources: int, *, feedback: bool = True) -> InlineKeyboardMarkup:
    return markup(buttons.answer_keyboard(conversation_id, n_sources, feedback=feedback))


def without_feedback(current: InlineKeyboardMarkup | None) -> InlineKeyboardMarkup | None:
    """The same keyboard minus the 👍/👎 row (after the user has rated)."""
    if current is None:
        return None
    rows = [list(row) for row in current.inline_keyboard
            if not any(FEEDBACK.match(b.callback_data if isinstance(b.callback_data, str) else "") for b in row)]
    return InlineKeyboardMarkup(rows) if rows else None
