"""/metrics `kepemiluan_open_tickets{age}` is fed by the ticket store: open tickets (baru, diambil)
by age bucket; answered and closed ones are not counted."""
from __future__ import annotations

from datetime import timedelta

from bot.db import Database, utcnow
from bot.jobs import open_tickets_by_age
from bot.metrics import Metrics
from bot.tickets import PERMINTAAN, TicketStore, add_ticket


async def test_open_tickets_gauge_counts_open_tickets_by_age(tmp_path):
    db = Database(f"sqlite+aiosqlite:///{tmp_path}/t.sqlite3")
    await db.migrate()
    try:
        async with db.sessions.begin() as s:
            for i, (hours, status) in enumerate([(0.2, "baru"), (2, "diambil"), (3, "baru"), (30, "baru"),
                                                 (30, "ditutup"), (5, "dijawab")]):
                t, _ = await add_ticket(s, kind=PERMINTAAN, chat_id=1, chat_type="private", user_pseudonym="u",
                                        origin=f"o{i}", question="tolong")
                t.created_at = utcnow() - timedelta(hours=hours)
                t.status = status
        metrics = Metrics()
        store = TicketStore(db)
        metrics.register_open_tickets(lambda: open_tickets_by_age(store))
        text = (await metrics.render()).decode()
        for age, n in (("<1j", 1), ("1-4j", 2), ("4-24j", 0), (">24j", 1)):
            assert f'kepemiluan_open_tickets{{age="{age}"}} {float(n)}' in text, (age, text)
    finally:
        await db.close()
