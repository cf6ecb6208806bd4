"""The index writer: versioned, idempotent writes of a document's passages to the store.

- The same content again changes nothing (and embeds nothing).
- A changed document gets a new version; its passages get new ids (`doc@vN#path`), the new set
  is written before the old one is deleted.
- Embeddings are cached by content hash: a passage whose text is already in the store is never
  embedded again, even under a new id.
"""
from __future__ import annotations

import dataclasses
import re
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Callable

from knowledge.lexical import index_text
from knowledge.model import Passage

from .manifest import DocumentInfo
from .questions import Table, load_table, questions_for


@dataclass
class IngestSummary:
    doc_id: str
    title: str
    version: int
    added: int
    removed: int
    unchanged: int
    embedded: int
    seconds: float
    state: str  # "baru" | "diperbarui" | "tidak berubah"
    questions: int = 0  # generated questions now indexed for this document
    questions_embedded: int = 0


def _sig(p: Passage) -> tuple:
    """What makes a stored passage current: its text and the structure the parser gave it (a parser
    fix that only corrects a heading must still reach the index)."""
    return (_path(p.id), p.hash, p.section, p.pasal, p.ayat, p.point, p.kind, p.amends, p.amend_action,
            p.effect, p.target, p.item)


@dataclass
class Staged:
    """A new version written to the store but not yet made current."""
    summary: IngestSummary
    passages: list[Passage]  # the new set (the old set when unchanged)
    old_ids: list[str]
    changed: bool
    added_paths: list[str]  # passage paths new or with changed text
    removed_paths: list[str]  # passage paths gone or with changed text
    questions: list = dataclasses.field(default_factory=list)  # knowledge.retrieval.Question of the new set

    @property
    def question_ids(self) -> set[str]:
        return {q.id for q in self.questions}


def _path(pid: str) -> str:
    return pid.split("#", 1)[1] if "#" in pid else pid


def embed_text(p: Passage) -> str:
    return index_text(p)


class IndexWriter:
    def __init__(self, store, embedder, questions: Table | None = None):
        """`questions`: generated questions by passage (default: the bundled ones, ingest/questions.py)."""
        self.store = store
        self.embedder = embedder
        self.questions = load_table() if questions is None else questions
        passages, _ = store.all()
        self.by_doc: dict[str, list[Passage]] = defaultdict(list)
        for p in passages:
            self.by_doc[p.doc_id].append(p)

    def passages(self) -> list[Passage]:
        return [p for ps in self.by_doc.values() for p in ps]

    def stage(self, info: DocumentInfo, passages: list[Passage],
              progress: Callable[[int], None] | None = None) -> "Staged":
        """Write the new version's rows next to the old ones; nothing is deleted yet.

        The rows have new ids (`doc@vN#path`), so readers that still hold the old passage set
        are not affected. Call `finish(staged)` once readers have switched to the new set (or
        `abort(staged)` to drop the new rows again).
        """
        t0 = time.perf_counter()
        old = self.by_doc.get(info.doc_id, [])
        old_sig = {_sig(p) for p in old}
        new_sig = {_sig(p) for p in passages}
        old_meta = {(p.status, p.status_by, p.title, p.url) for p in old}
        new_meta = {(info.status, info.status_by, info.title, info.url) for _ in passages[:1]}
        if old and old_sig == new_sig and old_meta == new_meta:
            summary = IngestSummary(info.doc_id, info.title, old[0].version, 0, 0, len(old), 0,
                                    time.perf_counter() - t0, "tidak berubah")
            staged = Staged(summary, list(old), [], changed=False, added_paths=[], removed_paths=[])
            self._stage_questions(staged)
            summary.seconds = time.perf_counter() - t0
            return staged
        version = (max(p.version for p in old) + 1) if old else 1
        fresh = [dataclasses.replace(p, id=re.sub(r"@v\d+#", f"@v{version}#", p.id), version=version) for p in passages]
        cached = self.store.embeddings_by_hash({p.hash for p in fresh})
        todo = [p for p in fresh if p.hash not in cached]
        vecs: dict[str, list[float]] = {}
        for off in range(0, len(todo), 64):
            batch = todo[off:off + 64]
            for p, v in zip(batch, self.embedder.embed_documents([embed_text(p) for p in batch])):
                vecs[p.hash] = v
            if progress:
                progress(len(batch))
        self.store.add(fresh, [vecs.get(p.hash) or cached[p.hash] for p in fresh])
        unchanged = len(old_sig & new_sig)
        summary = IngestSummary(info.doc_id, info.title, version, len(new_sig - old_sig), len(old_sig - new_sig),
                                unchanged, len(todo), time.perf_counter() - t0, "diperbarui" if old else "baru")
        old_paths = {_path(p.id): p.hash for p in old}
        new_paths = {_path(p.id): p.hash for p in fresh}
        staged = Staged(summary, fresh, [p.id for p in old], changed=True,
                        added_paths=sorted(k for k, h in new_paths.items() if old_paths.get(k) != h),
                        removed_paths=sorted(k for k, h in old_paths.items() if new_paths.get(k) != h))
        self._stage_questions(staged)
        summary.seconds = time.perf_counter() - t0
        return staged

    def _stage_questions(self, staged: "Staged") -> None:
        """Write the questions of the staged passages that the store lacks (embedding each new text once)."""
        want = questions_for(staged.passages, self.questions)
        staged.questions = want
        have = set(self.store.question_ids(staged.summary.doc_id))
        todo = [q for q in want if q.id not in have]
        staged.summary.questions = len(want)
        if not todo:
            return
        from knowledge.model import content_hash

        cached = self.store.question_embeddings_by_hash({content_hash(q.text) for q in todo})
        fresh = list(dict.fromkeys(q.text for q in todo if content_hash(q.text) not in cached))
        embed = getattr(self.embedder, "embed_queries", None) or self.embedder.embed_documents
        vecs = dict(zip(fresh, embed(fresh))) if fresh else {}
        doc_of = {p.id: p.doc_id for p in staged.passages}
        self.store.add_questions(todo, doc_of, [vecs.get(q.text) or cached[content_hash(q.text)] for q in todo])
        staged.summary.questions_embedded = len(fresh)

    def finish(self, staged: "Staged") -> IngestSummary:
        """Readers use the new set now: delete the previous version's rows (passages and questions)."""
        stale = [i for i in self.store.question_ids(staged.summary.doc_id) if i not in staged.question_ids]
        if stale:
            self.store.delete_questions(stale)
        if staged.changed:
            if staged.old_ids:
                self.store.delete(staged.old_ids)
            self.by_doc[staged.summary.doc_id] = staged.passages
        return staged.summary

    def abort(self, staged: "Staged") -> None:
        """Drop a staged version's rows (the old version stays)."""
        if staged.changed:
            self.store.delete([p.id for p in staged.passages])
            new = {p.id for p in staged.passages}
            self.store.delete_questions([q for q in self.store.question_ids(staged.summary.doc_id)
                                         if q.split("?q=", 1)[0] in new])

    def write(self, info: DocumentInfo, passages: list[Passage],
              progress: Callable[[int], None] | None = None) -> IngestSummary:
        """stage + finish, for writers with no live readers (the CLI)."""
        return self.finish(self.stage(info, passages, progress))

    def remove(self, doc_id: str) -> int:
        old = self.by_doc.pop(doc_id, [])
        if old:
            self.store.delete([p.id for p in old])
        self.store.delete_questions(self.store.question_ids(doc_id))
        return len(old)
