"""The knowledge base, the one writer of the engine's passages: no Telegram, a real engine over a
real Chroma store (hash embedder).

The catalog-sync race: a replica's sync that reads Chroma while a document is between staging
and finishing (its old and new rows side by side) and reloads after the engine's swap kept BOTH
versions in memory until the next sync (shown on the code before the knowledge base: the sync
job reloaded 1054 passages, versions [1, 2] of the document). Under the knowledge base's lock
the sync waits for the write and sees one version.
"""
from __future__ import annotations

import asyncio
import threading

import pytest

from bot.render import render_plain
from bot.application.knowledge_base import IngestUnavailable, KnowledgeBase
from bot.audit import AdminLog
from bot.db import Database
from ingest.live import LiveIndex
from ingest.load import LoadError, load_bytes
from tests.live_support import DOC_ID, perbawaslu, seeded_engine

from ..fakes import FakeEngine

QUESTION = "Berapa jumlah akun resmi kampanye di media sosial?"


def _doc(version: int):
    return load_bytes(perbawaslu(version).encode(), "perbawaslu-9-2099.md")


@pytest.fixture
async def kb(tmp_path, fixture_passages):
    engine = seeded_engine(tmp_path / "chroma", fixture_passages)
    db = Database(f"sqlite+aiosqlite:///{tmp_path}/kb.sqlite3")
    await db.migrate()
    try:
        yield KnowledgeBase(engine, live=LiveIndex(engine, engine.store), shared=engine.store, audit=AdminLog(db))
    finally:
        await db.close()


def versions(engine) -> list[int]:
    return sorted({p.version for p in engine.passages() if p.doc_id == DOC_ID})


async def test_catalog_sync_during_a_write_never_keeps_two_versions(kb):
    await kb.ingest(_doc(1), actor="uji")
    assert not await kb.sync()  # in step with Chroma
    store = kb.live.store
    in_window, release = threading.Event(), threading.Event()
    delete = store.delete

    def slow_delete(ids):  # IndexWriter.finish: the engine has swapped, the old rows are still there
        in_window.set()
        release.wait(10)
        delete(ids)

    store.delete = slow_delete
    write = asyncio.create_task(kb.ingest(_doc(2), actor="uji"))
    assert await asyncio.to_thread(in_window.wait, 10)
    sync = asyncio.create_task(kb.sync())
    done, _ = await asyncio.wait({sync}, timeout=1.5)
    assert not done  # the sync waits for the write instead of reading Chroma mid-write
    release.set()
    await write
    await sync
    assert versions(kb.engine) == [2]
    assert "30 (tiga puluh) akun" in render_plain(kb.engine.answer(QUESTION))
    assert not await kb.sync()  # and nothing is left for a later sync to repair


async def test_ingest_replace_remove_and_status_are_audited(kb):
    first = await kb.ingest(_doc(1), actor="uji")
    assert (first.summary.state, versions(kb.engine)) == ("baru", [1])
    again = await kb.ingest(_doc(1), actor="uji")
    assert again.summary.state == "tidak berubah"
    second = await kb.ingest(_doc(2), actor="uji")
    assert second.previous_version == 1 and versions(kb.engine) == [2]
    change = await kb.set_status(DOC_ID, "dicabut", "perbawaslu-10-2099", actor="uji")
    assert change.passages and change.unknown_by  # the repealing document is not in the index
    assert {p.status for p in kb.engine.passages() if p.doc_id == DOC_ID} == {"dicabut"}
    assert await kb.remove(DOC_ID, actor="uji") == change.passages
    assert versions(kb.engine) == [] and not kb.has(DOC_ID)
    actions = [a.action for a in reversed(await kb.audit.recent(10))]
    assert actions == ["ingest", "ingest-unchanged", "ingest", "status", "remove"]


async def test_a_bad_document_changes_nothing(kb):
    size = kb.engine.size
    with pytest.raises(LoadError):
        await kb.ingest_bytes(b"\x00\x01", "kosong.pdf", actor="uji")
    assert kb.engine.size == size


async def test_without_a_store_documents_cannot_be_ingested_but_faq_answers_can():
    engine = FakeEngine()
    kb = KnowledgeBase(engine)
    assert not kb.can_ingest
    with pytest.raises(IngestUnavailable):
        await kb.ingest(_doc(1), actor="uji")
    assert not await kb.sync()  # no shared index to follow


async def test_an_article_effect_recorded_on_one_replica_reaches_another_on_sync(tmp_path, fixture_passages):
    """Issue 11: two replicas share the database; /status … pasal N … on one is applied by the
    other's catalog sync, and `berlaku` clears it on both."""
    from bot.article_status import CLEAR, ArticleCommand
    from knowledge.effects import Target

    db = Database(f"sqlite+aiosqlite:///{tmp_path}/kb.sqlite3")
    await db.migrate()
    try:
        one = seeded_engine(tmp_path / "chroma", fixture_passages)
        two = seeded_engine(tmp_path / "chroma2", fixture_passages)
        kb1 = KnowledgeBase(one, live=LiveIndex(one, one.store), shared=one.store, audit=AdminLog(db))
        kb2 = KnowledgeBase(two, live=LiveIndex(two, two.store), shared=two.store, audit=AdminLog(db))
        target = Target("uu-10-2016", "40", "1")
        change = await kb1.set_article_effect(ArticleCommand(target, "dimaknai", "putusan-mk-60-2024"), actor="uji")
        assert change.target_known
        question = "berapa persen syarat partai mengusung calon bupati?"
        assert "telah dimaknai lain" in render_plain(one.answer(question))
        assert "telah dimaknai lain" not in render_plain(two.answer(question))
        await kb2.sync()
        assert "telah dimaknai lain" in render_plain(two.answer(question))
        assert await kb2.apply_stored_statuses() == 0  # no document-level correction among the rows
        await kb1.set_article_effect(ArticleCommand(target, CLEAR, None), actor="uji")
        await kb2.sync()
        assert one.admin_effects() == two.admin_effects() == []
        audit = await AdminLog(db).recent(2)
        assert [(a.doc_id, a.detail) for a in audit] == [("uu-10-2016:pasal-40/ayat-1", "berlaku"),
                                                         ("uu-10-2016:pasal-40/ayat-1",
                                                          "dimaknai oleh putusan-mk-60-2024")]
    finally:
        await db.close()
