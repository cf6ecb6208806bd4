"""The knowledge-base pages for admins, on the real engine over a real Chroma store (hash
embedder): upload with live progress, the document's passages, versions and audit trail, a
passage previewed as the bot quotes it, legal status, and removal only with confirmation."""
from __future__ import annotations

import json

import pytest

from bot.app import stop_application
from tests.live_support import DOC_ID, CountingEmbedder, perbawaslu, seeded_engine

from .conftest import ADMIN, STAFF_A, console_settings, logged_in, start_bot


@pytest.fixture
async def kb_bot(stub, tmp_path, fixture_passages):
    engine = seeded_engine(tmp_path / "chroma", fixture_passages, embedder=CountingEmbedder())
    settings = console_settings(stub, tmp_path, ingest_max_bytes=300_000, admin_ids=[ADMIN])
    harness = await start_bot(stub, settings, engine, store=engine.store)
    try:
        yield harness
    finally:
        await stop_application(harness.app)


async def test_admin_uploads_with_progress_previews_sets_status_and_removes(kb_bot):
    admin = await logged_in(kb_bot, ADMIN)
    h = {"X-CSRF-Token": (await admin.get("/konsol/api/session")).json()["csrf"]}
    assert "uu-10-2016" in (await admin.get("/konsol/pengetahuan")).text

    r = await admin.post("/konsol/api/pengetahuan/unggah", content=perbawaslu(1).encode(),
                         headers={**h, "X-Filename": "perbawaslu-9-2099.md", "Content-Type": "text/markdown"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/x-ndjson")
    events = [json.loads(line) for line in r.text.splitlines() if line.strip()]
    assert any("stage" in e for e in events), events  # progress lines before the result
    assert events[-1]["ok"] and events[-1]["doc_id"] == DOC_ID, events[-1]

    doc = (await admin.get(f"/konsol/pengetahuan/{DOC_ID}")).text
    assert "versi 1" in doc and f"konsol:{ADMIN}" in doc and "pasal-" in doc
    pid = next(p.id for p in kb_bot.engine.passages() if p.doc_id == DOC_ID)
    preview = await admin.get("/konsol/pengetahuan/pasase", params={"id": pid})
    assert preview.status_code == 200 and "📖 <b>" in preview.text  # the bot's own rendering

    r = await admin.post(f"/konsol/api/pengetahuan/{DOC_ID}/status", json={"status": "dicabut", "by": "uu-7-2017"}, headers=h)
    assert r.status_code == 200, r.text
    assert all(p.status == "dicabut" for p in kb_bot.engine.passages() if p.doc_id == DOC_ID)
    assert (await admin.post(f"/konsol/api/pengetahuan/{DOC_ID}/status", json={"status": "x"}, headers=h)).status_code == 400

    r = await admin.post(f"/konsol/api/pengetahuan/{DOC_ID}/hapus", json={"confirm": "salah"}, headers=h)
    assert r.status_code == 400 and any(p.doc_id == DOC_ID for p in kb_bot.engine.passages())
    r = await admin.post(f"/konsol/api/pengetahuan/{DOC_ID}/hapus", json={"confirm": DOC_ID}, headers=h)
    assert r.status_code == 200 and not any(p.doc_id == DOC_ID for p in kb_bot.engine.passages())
    actions = [e.action for e in await kb_bot.services.admin_log.recent(10, doc_id=DOC_ID)]
    assert {"ingest", "status", "remove"} <= set(actions)


async def test_a_bad_upload_says_why_and_changes_nothing(kb_bot):
    admin = await logged_in(kb_bot, ADMIN)
    h = {"X-CSRF-Token": (await admin.get("/konsol/api/session")).json()["csrf"]}
    size = kb_bot.engine.size
    r = await admin.post("/konsol/api/pengetahuan/unggah", content=b"x" * 300_001, headers={**h, "X-Filename": "a.txt"})
    assert r.status_code == 413 and "terlalu besar" in r.json()["error"]
    r = await admin.post("/konsol/api/pengetahuan/unggah", content=b"\x00\x01", headers={**h, "X-Filename": "a.exe"})
    last = json.loads(r.text.splitlines()[-1])
    assert not last["ok"] and last["message"].startswith("Gagal memuat")
    assert kb_bot.engine.size == size
    staff = await logged_in(kb_bot, STAFF_A)
    assert (await staff.get("/konsol/pengetahuan")).status_code == 403
