"""Generated citizen questions (doc2query): project data beside the corpus, keyed by passage.

`ingest/corpus/questions/<doc_id>.jsonl` holds one line per passage:
{"path": "pasal-7/ayat-2", "hash": "<content hash of the passage text>", "questions": [...]}.
The project's writers wrote them from the passage text (see ingest/corpus/PROVENANCE.md).

A question belongs to a passage only while the passage's path AND content hash match: a passage
whose text changed (a new version of the law) drops its stale questions. Admin-ingested
documents have no file here and so no questions; they rank on their passage fields alone.
"""
from __future__ import annotations

import json
from pathlib import Path

from knowledge.model import Passage, content_hash
from knowledge.retrieval import Question

from .manifest import CORPUS_DIR

QUESTIONS_DIR = CORPUS_DIR / "questions"

# (doc_id, passage path) -> (passage content hash, questions)
Table = dict[tuple[str, str], tuple[str, list[str]]]


def load_table(folder: Path = QUESTIONS_DIR) -> Table:
    """Every generated question under `folder`, by (doc id, passage path)."""
    table: Table = {}
    if not Path(folder).is_dir():
        return table
    for f in sorted(Path(folder).glob("*.jsonl")):
        doc_id = f.stem
        for line in f.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            qs = [q.strip() for q in row.get("questions") or [] if isinstance(q, str) and q.strip()]
            if qs and row.get("path") and row.get("hash"):
                key = (doc_id, row["path"])
                old = table.get(key)
                if old and old[0] == row["hash"]:
                    qs = old[1] + [q for q in qs if q not in old[1]]
                table[key] = (row["hash"], list(dict.fromkeys(qs)))
    return table


def passage_path(passage_id: str) -> str:
    return passage_id.split("#", 1)[1] if "#" in passage_id else passage_id


def question_id(passage_id: str, text: str) -> str:
    return f"{passage_id}?q={content_hash(text)[:12]}"


def questions_for(passages: list[Passage], table: Table) -> list[Question]:
    """The current questions of these passages: those whose path and content hash still match."""
    out: list[Question] = []
    for p in passages:
        got = table.get((p.doc_id, passage_path(p.id)))
        if not got or got[0] != p.hash:
            continue  # no questions, or written for another text of this passage (stale)
        for text in got[1]:
            out.append(Question(question_id(p.id, text), p.id, text))
    return out
