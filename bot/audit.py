"""The admin side of the database: audit log, document versions, legal-status corrections.

Tables (migration 0003_admin):

* ``audit_log``: who ingested / changed / removed what, and when. ``actor`` is
  "telegram:<user id>" (admins are staff, not citizens: their id is kept on purpose),
  "cli:<os user>" or "news-job".
* ``document_versions``: one row per version a document had: its passage-set hash, passage
  count, what changed against the previous version (added / removed / unchanged and the
  passage paths), where it came from. The previous version stays recorded after a re-ingest,
  so an admin can see what changed.
* ``source_status``: an admin's correction of a document's legal status (/status). Applied at
  start-up and to every later version of the document.
"""
from __future__ import annotations

import getpass
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, String, Text, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from .db import Base, BigId, Database, utcnow

# Actions in the audit log.
INGEST = "ingest"  # a new document or a new version
UNCHANGED = "ingest-unchanged"  # same content again: nothing changed
REMOVE = "remove"
STATUS = "status"
FAILED = "ingest-failed"


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(32))
    doc_id: Mapped[str] = mapped_column(String(200), index=True)
    detail: Mapped[str] = mapped_column(Text, default="")


class DocumentVersion(Base):
    __tablename__ = "document_versions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    doc_id: Mapped[str] = mapped_column(String(200), index=True)
    version: Mapped[int] = mapped_column(Integer)
    ingested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(128))
    title: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(Text, default="")
    content_hash: Mapped[str] = mapped_column(String(64))
    passages: Mapped[int] = mapped_column(Integer, default=0)
    added: Mapped[int] = mapped_column(Integer, default=0)
    removed: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    # {"added": [paths], "removed": [paths]} against the previous version
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    removed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class SourceStatus(Base):
    __tablename__ = "source_status"

    doc_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    status_by: Mapped[str | None] = mapped_column(String(400), nullable=True)
    set_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(128))


def cli_actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # noqa: BLE001  no user name in some containers
        return "cli"


@dataclass
class VersionInfo:
    version: int
    ingested_at: datetime
    actor: str


class AdminLog:
    """Async access to the admin tables."""

    def __init__(self, db: Database):
        self.db = db

    async def record(self, actor: str, action: str, doc_id: str, detail: str = "") -> None:
        async with self.db.sessions.begin() as s:
            s.add(AuditEntry(at=utcnow(), actor=actor[:128], action=action, doc_id=doc_id[:200], detail=detail))

    async def record_ingest(self, actor: str, report) -> None:
        """An IngestReport (ingest.live) or anything with the same fields."""
        s_ = report.summary
        if s_.state == "tidak berubah":
            await self.record(actor, UNCHANGED, s_.doc_id, f"versi {s_.version}: tidak berubah ({s_.unchanged} pasase)")
            return
        detail = (f"versi {s_.version}: +{s_.added} −{s_.removed} ={s_.unchanged} pasase"
                  f" (di-embed {s_.embedded}); sumber {report.source}")
        async with self.db.sessions.begin() as s:
            s.add(DocumentVersion(
                doc_id=s_.doc_id, version=s_.version, ingested_at=utcnow(), actor=actor[:128], title=s_.title,
                source=report.source or "", content_hash=report.content_hash, passages=report.passages,
                added=s_.added, removed=s_.removed, unchanged=s_.unchanged,
                changes={"added": report.added_paths[:500], "removed": report.removed_paths[:500]}))
            s.add(AuditEntry(at=utcnow(), actor=actor[:128], action=INGEST, doc_id=s_.doc_id, detail=detail))

    async def record_remove(self, actor: str, doc_id: str, passages: int) -> None:
        async with self.db.sessions.begin() as s:
            rows = await s.execute(select(DocumentVersion).where(DocumentVersion.doc_id == doc_id,
                                                                 DocumentVersion.removed_at.is_(None)))
            for row in rows.scalars():
                row.removed_at = utcnow()
            await s.execute(delete(SourceStatus).where(SourceStatus.doc_id == doc_id))
            s.add(AuditEntry(at=utcnow(), actor=actor[:128], action=REMOVE, doc_id=doc_id,
                             detail=f"{passages} pasase dihapus"))

    async def set_status(self, actor: str, doc_id: str, status: str, status_by: str | None) -> None:
        async with self.db.sessions.begin() as s:
            row = await s.get(SourceStatus, doc_id)
            if row is None:
                s.add(SourceStatus(doc_id=doc_id, status=status, status_by=status_by, set_at=utcnow(), actor=actor))
            else:
                row.status, row.status_by, row.set_at, row.actor = status, status_by, utcnow(), actor
            detail = status + (f" oleh {status_by}" if status_by else "")
            s.add(AuditEntry(at=utcnow(), actor=actor[:128], action=STATUS, doc_id=doc_id, detail=detail))

    async def overrides(self) -> dict[str, tuple[str, str | None]]:
        """Document-level status corrections (article-level records are `article_effects`)."""
        async with self.db.sessions() as s:
            rows = await s.execute(select(SourceStatus))
            return {r.doc_id: (r.status, r.status_by) for r in rows.scalars() if ":" not in r.doc_id}

    # issue 11: article-level effects recorded by an admin live in source_status under the article's
    # target key ("uu-10-2016:pasal-40/ayat-1"); see bot/article_status.py
    async def article_effects(self) -> list:
        from .article_status import effects_from_rows

        async with self.db.sessions() as s:
            rows = await s.execute(select(SourceStatus))
            return effects_from_rows({r.doc_id: (r.status, r.status_by) for r in rows.scalars() if ":" in r.doc_id})

    async def set_article_effect(self, actor: str, key: str, kind: str, by: str | None) -> None:
        """Record (or, with kind "berlaku", clear) an article effect; audit-logged."""
        async with self.db.sessions.begin() as s:
            row = await s.get(SourceStatus, key)
            if kind == "berlaku":
                if row is not None:
                    await s.delete(row)
            elif row is None:
                s.add(SourceStatus(doc_id=key, status=kind, status_by=by, set_at=utcnow(), actor=actor))
            else:
                row.status, row.status_by, row.set_at, row.actor = kind, by, utcnow(), actor
            s.add(AuditEntry(at=utcnow(), actor=actor[:128], action=STATUS, doc_id=key[:200],
                             detail=kind + (f" oleh {by}" if by else "")))

    async def recent(self, limit: int = 10, doc_id: str | None = None) -> list[AuditEntry]:
        async with self.db.sessions() as s:
            q = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
            if doc_id:
                q = q.where(AuditEntry.doc_id == doc_id)
            return list((await s.execute(q)).scalars())

    async def versions(self, doc_id: str) -> list[DocumentVersion]:
        async with self.db.sessions() as s:
            rows = await s.execute(select(DocumentVersion).where(DocumentVersion.doc_id == doc_id)
                                   .order_by(DocumentVersion.id))
            return list(rows.scalars())

    async def latest_versions(self) -> dict[str, DocumentVersion]:
        """The newest recorded version of each document (for ingest times in /sumber)."""
        async with self.db.sessions() as s:
            rows = await s.execute(select(DocumentVersion).order_by(DocumentVersion.id))
            out: dict[str, DocumentVersion] = {}
            for r in rows.scalars():
                out[r.doc_id] = r
            return out
