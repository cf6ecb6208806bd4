"""Staff answers as knowledge: «Jadikan FAQ» entries become passages of doc type «jawaban petugas».

Entries live in the database (faq_entries, bot/tickets.py); this module turns the active ones
into `knowledge.model.Passage`s and swaps them into the engine with `Engine.reload` (the
engine's own atomic swap: a question sees the old set or the new one). At startup every active
entry is loaded; "Jadikan FAQ" and /tarikfaq re-apply at once. The lexical index sees them
immediately; the Chroma (dense) index does not hold them (dense search is off by default).

Each passage is dated and carries the role that answered (settings.staff_role), never a name.
"""
from __future__ import annotations

import asyncio
import logging

from knowledge.model import JAWABAN_PETUGAS, KIND_FAQ, Passage, content_hash

from .tickets import FaqEntry, TicketStore, aware

log = logging.getLogger(__name__)

FAQ_PREFIX = "faq-"


def faq_passage(entry: FaqEntry) -> Passage:
    date = aware(entry.created_at).date().isoformat()
    question = " ".join(entry.question.split())
    title = question if len(question) <= 160 else question[:159].rstrip() + "…"
    return Passage(
        id=f"{FAQ_PREFIX}{entry.id}@v1#jawaban",
        doc_id=f"{FAQ_PREFIX}{entry.id}",
        text=entry.answer.strip(),
        title=title,
        doc_type=JAWABAN_PETUGAS,
        kind=KIND_FAQ,
        # the index sees the section (twice) + the text: the citizen's question routes to the answer
        section=question,
        date=date,
        source=f"{entry.role} · tiket #{entry.ticket_id}" if entry.ticket_id else entry.role,
        hash=content_hash(question + "\n" + entry.answer),
    )


class FaqIndex:
    """Keeps the engine's «jawaban petugas» passages equal to the active FAQ entries."""

    def __init__(self, engine, store: TicketStore, executor=None) -> None:
        self.engine = engine
        self.store = store
        self.executor = executor
        self._lock = asyncio.Lock()

    @staticmethod
    def supported(engine) -> bool:
        return callable(getattr(engine, "reload", None)) and callable(getattr(engine, "passages", None))

    def _apply(self, entries: list[FaqEntry]) -> int:
        current = self.engine.passages()
        base = [p for p in current if not (p.doc_type == JAWABAN_PETUGAS and p.doc_id.startswith(FAQ_PREFIX))]
        faq = [faq_passage(e) for e in entries if e.answer.strip()]
        if not faq and len(base) == len(current):
            return 0  # nothing to add or remove: skip the rebuild
        self.engine.reload(base + faq)
        return len(faq)

    async def sync(self) -> int:
        """Re-index the active entries (engine rebuild runs off the event loop)."""
        async with self._lock:
            entries = await self.store.faq_entries()
            n = await asyncio.get_running_loop().run_in_executor(self.executor, self._apply, entries)
            log.info("FAQ index: %d active staff answers indexed", n)
            return n
