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


def is_faq(p: Passage) -> bool:
    """A staff answer made FAQ: in the engine only (from the database), never in Chroma."""
    return p.doc_type == JAWABAN_PETUGAS and p.doc_id.startswith(FAQ_PREFIX)


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
        base = [p for p in current if not is_faq(p)]
        faq = [faq_passage(e) for e in entries if e.answer.strip()]
        if not faq and len(base) == len(current):
            return 0  # nothing to add or remove: skip the rebuild
        self.engine.reload(base + faq)
        return len(faq)

    def _put(self, entry: FaqEntry) -> None:
        doc_id = f"{FAQ_PREFIX}{entry.id}"
        if callable(getattr(self.engine, "replace_document", None)):
            self.engine.replace_document(doc_id, [faq_passage(entry)])
        else:  # an engine without per-document swaps
            self.engine.reload([p for p in self.engine.passages() if p.doc_id != doc_id] + [faq_passage(entry)])

    def _drop(self, faq_id: int) -> None:
        doc_id = f"{FAQ_PREFIX}{faq_id}"
        if callable(getattr(self.engine, "remove_document", None)):
            self.engine.remove_document(doc_id)
        else:
            self.engine.reload([p for p in self.engine.passages() if p.doc_id != doc_id])

    async def add(self, entry: FaqEntry) -> None:
        """Index one (new or re-activated) entry at once."""
        async with self._lock:
            await asyncio.get_running_loop().run_in_executor(self.executor, self._put, entry)
        log.info("FAQ #%d indexed", entry.id)

    async def withdraw(self, faq_id: int) -> None:
        async with self._lock:
            await asyncio.get_running_loop().run_in_executor(self.executor, self._drop, faq_id)
        log.info("FAQ #%d withdrawn from the index", faq_id)

    async def sync(self) -> int:
        """Index exactly the active entries (at startup; the rebuild runs off the event loop)."""
        async with self._lock:
            entries = await self.store.faq_entries()
            n = await asyncio.get_running_loop().run_in_executor(self.executor, self._apply, entries)
            log.info("FAQ index: %d active staff answers indexed", n)
            return n

    async def refresh(self, base: list[Passage] | None = None) -> bool:
        """Bring the engine in step with the database: the FAQ entries another replica added,
        changed or withdrew; and, given `base` (the index reloaded from Chroma), swap in base +
        the active entries at once, so a catalog reload never drops the FAQ. True when swapped."""
        async with self._lock:
            want = [faq_passage(e) for e in await self.store.faq_entries() if e.answer.strip()]
            if base is None:
                current = self.engine.passages()
                if {p.id: p.hash for p in current if is_faq(p)} == {p.id: p.hash for p in want}:
                    return False
                base = [p for p in current if not is_faq(p)]
            await asyncio.get_running_loop().run_in_executor(self.executor, self.engine.reload, list(base) + want)
            return True
