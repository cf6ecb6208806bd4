"""The one table of callback data (bot/buttons.py): unique prefixes, builders that match their own
patterns, and the single 64-byte check Telegram imposes."""
from __future__ import annotations

import pytest

from bot import buttons
from bot.buttons import TABLE, CallbackTooLong


def test_prefixes_are_unique_and_every_layout_uses_the_table():
    assert len({c.prefix for c in TABLE}) == len(TABLE)
    layouts = [buttons.answer_keyboard(9_223_372_036_854_775_807, 5), buttons.delete_keyboard(),
               buttons.card_keyboard(9_223_372_036_854_775_807, closed=False), buttons.card_keyboard(1, closed=True),
               buttons.faq_keyboard(9_223_372_036_854_775_807), buttons.reporter_keyboard(),
               buttons.evidence_keyboard(), buttons.escalate_keyboard(9_223_372_036_854_775_807),
               buttons.remove_keyboard("A1b2-C3d4_E5f6")]
    for keyboard in layouts:
        for row in keyboard.rows:
            for b in row:
                assert len(b.data.encode()) <= 64
                assert sum(1 for c in TABLE if c.match(b.data)) == 1, b.data


def test_data_over_64_bytes_is_refused_where_it_is_built():
    with pytest.raises(CallbackTooLong):
        buttons.ADMIN_REMOVE.data("x" * 70, "y")
    with pytest.raises(ValueError):
        buttons.TICKET.data("z", 1)  # not a ticket action: would never match its handler
