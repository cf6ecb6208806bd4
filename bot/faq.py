"""Staff answers as knowledge: «Jadikan FAQ» entries become passages of doc type «jawaban petugas».

Entries live in the database (faq_entries, bot/tickets.py); `faq_passage` turns one into a
`knowledge.model.Passage`. The knowledge base (bot/application/knowledge_base.py) swaps them into
the engine: every active entry at start-up, one at once on «Jadikan FAQ» and /tarikfaq, and the
entries other replicas changed on each catalog sync. The lexical index sees them immediately;
the Chroma (dense) index does not hold them (dense search is off by default).

Each passage is dated and carries the role that answered (settings.staff_role), never a name.
"""
from __future__ import annotations

from knowledge.model import JAWABAN_PETUGAS, KIND_FAQ, Passage, content_hash

from .tickets import FaqEntry, aware

FAQ_PREFIX = "faq-"


def faq_doc_id(faq_id: int) -> str:
    return f"{FAQ_PREFIX}{faq_id}"


def faq_passage(entry: FaqEntry) -> Passage:
    date = aware(entry.created_at).date().isoformat()
    question = " ".join(entry.question.split())
    title = question if len(question) <= 160 else question[:159].rstrip() + "…"
    return Passage(
        id=f"{faq_doc_id(entry.id)}@v1#jawaban",
        doc_id=faq_doc_id(entry.id),
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
