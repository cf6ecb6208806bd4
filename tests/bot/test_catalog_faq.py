"""The catalog-sync job (every replica, every KEPEMILUAN_CATALOG_REFRESH_S) and staff FAQ answers.

FAQ passages live in the database and the engine, never in Chroma. The job must not take them
for a changed index (it would reload from Chroma and drop them), it must keep them when the
index really changed, and it brings in FAQ entries another replica added or withdrew.
"""
from __future__ import annotations


from bot.application.knowledge_base import KnowledgeBase
from bot.db import Database
from bot.tickets import TicketStore


QUESTION = "bolehkah membawa ponsel ke bilik suara?"
ANSWER = "Ponsel sebaiknya dimatikan atau dititipkan kepada KPPS sebelum masuk bilik suara."


class FakeChroma:
    """What the catalog sync reads from the shared index: ids() and all()."""

    def __init__(self, passages):
        self.passages = list(passages)

    def ids(self):
        return [p.id for p in self.passages]

    def all(self):
        return list(self.passages), {}


def faq_ids(engine) -> set[str]:
    return {p.doc_id for p in engine.passages() if p.doc_id.startswith("faq-")}


async def test_catalog_sync_keeps_faq_answers_and_follows_other_replicas(tmp_path, fixture_passages):
    from knowledge.engine import Engine

    db = Database(f"sqlite+aiosqlite:///{tmp_path}/faq.sqlite3")
    await db.migrate()
    try:
        chroma = FakeChroma(fixture_passages[:-1])
        engine = Engine(chroma.passages)
        tickets = TicketStore(db)
        kb = KnowledgeBase(engine, shared=chroma, faq_entries=tickets.faq_entries)

        first, _ = await tickets.add_faq(ticket_id=None, question=QUESTION, answer=ANSWER, role="Petugas Bawaslu")
        await kb.put_faq(first)  # «Jadikan FAQ» on this replica
        size = engine.size
        assert not await kb.sync()  # nothing changed: the FAQ passage is not a stale index
        assert faq_ids(engine) == {f"faq-{first.id}"} and engine.size == size

        # another process ingests into the shared index: reloaded, and the FAQ answer stays
        chroma.passages = list(fixture_passages)
        assert await kb.sync()
        assert engine.size == size + 1 and faq_ids(engine) == {f"faq-{first.id}"}
        hits = engine.answer(QUESTION)
        assert any(q.passage_id.startswith(f"faq-{first.id}@") for q in hits.quotes)  # cited

        # another replica adds a second FAQ and withdraws the first (database only)
        second, _ = await tickets.add_faq(ticket_id=None, question="apa itu DPTb?", answer="Daftar pemilih tambahan.",
                                          role="Petugas Bawaslu")
        assert await tickets.withdraw_faq(first.id)
        assert await kb.sync()
        assert faq_ids(engine) == {f"faq-{second.id}"}
        assert not await kb.sync()  # and then it is quiet again
    finally:
        await db.close()
