"""A cache of prepared documents (load → parse → chunk), keyed by what determines the result.

A warm re-ingest of an unchanged corpus spent most of its time parsing again what it had parsed
before (the UUD PDF's layout analysis alone takes over a second). An entry is keyed by the
SHA-256 of the source file's bytes, of its manifest entry, and of the source code of `ingest/`
and `knowledge/model.py`: a changed file, manifest entry or parser makes a new key, so a stale
result is never reused. Entries are JSON (no code runs on load); a bad entry counts as a miss.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path

from knowledge.model import Passage

from .manifest import DocumentInfo

log = logging.getLogger(__name__)
_INGEST = Path(__file__).resolve().parent
_MODEL = _INGEST.parent / "knowledge" / "model.py"
FORMAT = 1


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """What the parser is: the source of every ingest module and of the passage model."""
    h = hashlib.sha256(f"format {FORMAT}".encode())
    for f in sorted(_INGEST.rglob("*.py")) + [_MODEL]:
        h.update(str(f.relative_to(_INGEST.parent)).encode())
        h.update(f.read_bytes())
    return h.hexdigest()


class PreparedCache:
    """`key(path, info)`, then `get(key)` / `put(key, prepared)`, under one folder (the data
    directory's). The key is taken before preparing: `prepare` may refine the info it is given."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self.used: set[str] = set()  # keys read or written by this run (see prune)

    def key(self, path: Path, info: DocumentInfo | None) -> str:
        h = hashlib.sha256(code_fingerprint().encode())
        h.update(hashlib.sha256(path.read_bytes()).digest())
        h.update(json.dumps(asdict(info) if info else None, sort_keys=True).encode())
        return h.hexdigest()

    def get(self, key: str) -> tuple[DocumentInfo, str, list[Passage]] | None:
        f = self.folder / f"{key}.json"
        try:
            data = json.loads(f.read_text(encoding="utf-8"))
            out = (DocumentInfo(**data["info"]), data["text"], [Passage(**p) for p in data["passages"]])
            self.used.add(key)
            return out
        except FileNotFoundError:
            return None
        except (OSError, ValueError, TypeError, KeyError) as e:  # a torn or foreign entry: parse again
            log.warning("prepared-document cache entry %s unreadable (%s); parsing again", f.name, type(e).__name__)
            return None

    def put(self, key: str, prepared: tuple[DocumentInfo, str, list[Passage]]) -> None:
        self.used.add(key)
        doc, text, passages = prepared
        body = json.dumps({"info": asdict(doc), "text": text, "passages": [asdict(p) for p in passages]},
                          ensure_ascii=False)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(body)
            os.replace(tmp, self.folder / f"{key}.json")  # readers never see half a file
        except OSError as e:  # a read-only or full disk costs speed, never the ingest
            log.warning("prepared-document cache not written (%s)", type(e).__name__)

    def prune(self) -> int:
        """Delete the entries this run did not use (old versions of files, old parsers)."""
        n = 0
        for f in self.folder.glob("*.json"):
            if f.stem not in self.used:
                f.unlink(missing_ok=True)
                n += 1
        return n
