"""Test-only crash points: `KEPEMILUAN_TEST_CRASH_AT=<point>` makes the process kill -9 itself there.

Used by tests/bot/test_crash.py to prove that a crash right after a ticket is stored, or right
after a staff reply is received, loses nothing and duplicates nothing. Unset in production:
`crash_point` is then a dictionary lookup.
"""
from __future__ import annotations

import logging
import os
import signal

ENV = "KEPEMILUAN_TEST_CRASH_AT"
AFTER_TICKET_STORED = "after_ticket_stored"
AFTER_STAFF_REPLY = "after_staff_reply"


def crash_point(name: str) -> None:
    if os.environ.get(ENV) == name:
        logging.getLogger(__name__).warning("test crash point %s: kill -9", name)
        for handler in logging.getLogger().handlers:
            handler.flush()
        os.kill(os.getpid(), signal.SIGKILL)
