"""Admin re-ingestion through the Bot API stand-in: the real bot, the real engine over a real
Chroma store (hash embedder), uploads served by the stub's getFile, URLs by a local site."""
from __future__ import annotations

import pytest

from bot.app import stop_application
from tests.live_support import DOC_ID, BawasluSite, CountingEmbedder, article_page, perbawaslu, seeded_engine
from tests.pdfs import blank_pdf, text_pdf

from .conftest import ADMIN, USER, make_settings, start_bot

FINAL = ("✅", "❌", "ℹ️")
QUESTION = "Berapa jumlah akun resmi kampanye di media sosial?"


@pytest.fixture
async def admin_bot(stub, tmp_path, fixture_passages):
    embedder = CountingEmbedder()
    engine = seeded_engine(tmp_path / "chroma", fixture_passages, embedder=embedder)
    settings = make_settings(stub, tmp_path, ingest_max_bytes=300_000, ingest_progress_seconds=0.0,
                             fetch_timeout_seconds=0.5, fetch_max_redirects=3)
    harness = await start_bot(stub, settings, engine, store=engine.store)
    harness.embedder = embedder
    try:
        yield harness
    finally:
        await stop_application(harness.app)


async def final_reply(bot, before: int, timeout: float = 10.0):
    """The admin's status message once it holds a final result (it is edited in place)."""
    def done():
        for m in bot.stub.messages(ADMIN)[before:]:
            if m.text.startswith(FINAL):
                return m
        return None

    return await bot.stub.wait_for(done, timeout, "the ingestion result")


async def upload(bot, data: bytes, name: str, mime: str | None, caption: str | None = "/ingest"):
    before = len(bot.stub.messages(ADMIN))
    await bot.stub.send_document(ADMIN, data, name, mime_type=mime, caption=caption)
    return await final_reply(bot, before)


async def command(bot, user: int, text: str):
    before = len(bot.stub.messages(user))
    await bot.stub.send_text(user, text)
    msgs = await bot.stub.wait_for_messages(user, before + 1, 10.0)
    return msgs[before]


async def ask_text(bot, question: str) -> str:
    msgs = await bot.ask(USER, question, timeout=10.0)
    return "\n".join(m.text for m in msgs)


def warning_part(answer: str) -> str:
    """What the citizen reads before the quotes: the warnings (other retrieved sources may be
    repealed laws too, and the source list says so)."""
    return answer.split("Menurut sumber")[0]


async def test_admin_uploads_pdf_and_citizen_is_answered_from_it(admin_bot):
    bot = admin_bot
    msg = await upload(bot, text_pdf(perbawaslu(1)), "Perbawaslu 9 2099.pdf", "application/pdf")
    assert msg.text.startswith("✅"), msg.text
    assert "Dikenali sebagai: Peraturan Badan Pengawas Pemilihan Umum Nomor 9 Tahun 2099" in msg.text
    assert f"ID dokumen: {DOC_ID} · versi 1 (baru)" in msg.text
    assert "3 ditambah, 0 dihapus, 0 tidak berubah" in msg.text and "Waktu:" in msg.text
    assert [c.method for c in bot.stub.calls if c.method in ("getFile", "<file>")] == ["getFile", "<file>"]
    answer = await ask_text(bot, QUESTION)
    assert "Perbawaslu No. 9 Tahun 2099" in answer and "20 (dua puluh) akun" in answer


async def test_admin_uploads_html_news_page(admin_bot):
    bot = admin_bot
    _slug, title, page = article_page("bawaslu-boyolali-2023-gp-ansor.txt")
    msg = await upload(bot, page.encode("utf-8"), "gp-ansor.html", "text/html")
    assert msg.text.startswith("✅"), msg.text
    assert f"Dikenali sebagai: berita «{title}», Boyolali, 2023-08-03" in msg.text
    assert "Media Sosial" not in msg.text
    docs = {d["doc_id"]: d for d in bot.engine.documents()}
    news = [d for d in docs.values() if d["title"] == title]
    assert news and news[0]["doc_type"] == "berita"
    stored = " ".join(p.text for p in bot.engine.document_passages(news[0]["doc_id"]))
    assert "Tanyakan" not in stored and "Instagram" not in stored  # page chrome left out
    answer = await ask_text(bot, "Apa isi kerja sama GP Ansor dan Panwaslu Musuk?")
    assert "Berita Bawaslu: GP Ansor dan Panwaslu Musuk Jalin Kerjasama" in answer


async def test_reply_ingest_to_an_earlier_document(admin_bot):
    bot = admin_bot
    data = perbawaslu(1).encode()
    before = len(bot.stub.messages(ADMIN))
    sent = await bot.stub.send_document(ADMIN, data, "perbawaslu-9-2099.md", mime_type="text/markdown")
    saved = await bot.stub.wait_for_messages(ADMIN, before + 1)
    assert "diterima dan disimpan" in saved[before].text and "/ingest" in saved[before].text
    assert bot.engine.document_passages(DOC_ID) == []  # not ingested without /ingest
    before = len(bot.stub.messages(ADMIN))
    await bot.stub.send_text(ADMIN, "/ingest", reply_to=sent)
    msg = await final_reply(bot, before)
    assert msg.text.startswith("✅") and "3 ditambah" in msg.text
    assert len(bot.engine.document_passages(DOC_ID)) == 3


async def test_non_admin_is_refused(admin_bot):
    bot = admin_bot
    size = bot.engine.size
    for text in ("/ingest https://bawaslu.go.id/berita/x", "/hapus uu-8-2012", "/status uu-8-2012 berlaku"):
        reply = await command(bot, USER, text)
        assert "hanya untuk admin" in reply.text, text
    before = len(bot.stub.messages(USER))
    await bot.stub.send_document(USER, text_pdf(perbawaslu(1)), "p.pdf", caption="/ingest")
    msgs = await bot.stub.wait_for_messages(USER, before + 1)
    assert "hanya untuk admin" in msgs[before].text
    await bot.stub.settle()
    assert not bot.stub.calls_of("getFile")  # nothing downloaded
    assert bot.engine.size == size and bot.engine.document_passages("uu-8-2012")
    # and the detailed /sumber is for admins only
    reply = await command(bot, USER, "/sumber")
    assert "Riwayat perubahan" not in reply.text


async def test_hapus_removes_from_answers_at_once(admin_bot):
    bot = admin_bot
    q = "Siapa yang mempunyai hak memilih dalam pemilu anggota DPR?"
    assert "UU No. 8 Tahun 2012" in await ask_text(bot, q)
    confirm = await command(bot, ADMIN, "/hapus uu-8-2012")
    assert "Hapus" in confirm.text and "uu-8-2012" in confirm.text
    assert bot.engine.document_passages("uu-8-2012")  # nothing happens before the confirmation
    qid = await bot.stub.click(ADMIN, confirm, "Ya, hapus")
    await bot.stub.wait_for_answer(qid)
    await bot.stub.wait_for(lambda: "dihapus" in bot.stub.messages(ADMIN)[-1].text, 5.0, "removal")
    assert bot.engine.document_passages("uu-8-2012") == []
    assert "UU No. 8 Tahun 2012" not in await ask_text(bot, q)
    assert not [i for i in bot.engine.store.all()[0] if i.doc_id == "uu-8-2012"]
    # the audit log shows who removed it
    sources = await command(bot, ADMIN, "/sumber")
    text = "\n".join(m.text for m in bot.stub.messages(ADMIN)[bot.stub.messages(ADMIN).index(sources):])
    assert f"telegram:{ADMIN}" in text and "remove uu-8-2012" in text


async def test_hapus_cancel_and_unknown(admin_bot):
    bot = admin_bot
    assert "tidak ada" in (await command(bot, ADMIN, "/hapus pkpu-1-1900")).text
    confirm = await command(bot, ADMIN, "/hapus uu-8-2015")
    qid = await bot.stub.click(ADMIN, confirm, "Batal")
    await bot.stub.wait_for_answer(qid)
    await bot.stub.wait_for(lambda: "dibatalkan" in bot.stub.messages(ADMIN)[-1].text, 5.0, "cancel")
    assert bot.engine.document_passages("uu-8-2015")


async def test_status_dicabut_makes_answers_warn_and_persists(admin_bot, tmp_path):
    bot = admin_bot
    await upload(bot, text_pdf(perbawaslu(1)), "p.pdf", "application/pdf")
    assert "dicabut" not in warning_part(await ask_text(bot, QUESTION))
    reply = await command(bot, ADMIN, f"/status {DOC_ID} dicabut oleh perbawaslu-10-2099")
    assert "dicabut oleh" in reply.text and "seketika" in reply.text
    answer = warning_part(await ask_text(bot, QUESTION))
    assert "Perbawaslu No. 9 Tahun 2099" in answer and "dicabut" in answer
    # persisted: in the store's metadata (a restart rebuilds the engine from it) and in the DB
    restarted = seeded_engine(tmp_path / "chroma", [])
    assert {p.status for p in restarted.document_passages(DOC_ID)} == {"dicabut"}
    assert (await bot.services.admin_log.overrides())[DOC_ID] == ("dicabut", "perbawaslu-10-2099")
    # a new version of the document keeps the correction
    await upload(bot, perbawaslu(2).encode(), "p.md", "text/markdown")
    assert {p.status for p in bot.engine.document_passages(DOC_ID)} == {"dicabut"}
    # and back
    await command(bot, ADMIN, f"/status {DOC_ID} berlaku")
    assert "dicabut" not in warning_part(await ask_text(bot, QUESTION))
    bad = await command(bot, ADMIN, f"/status {DOC_ID} hilang")
    assert "tidak dikenal" in bad.text


async def test_same_content_again_changes_nothing(admin_bot):
    bot = admin_bot
    pdf = text_pdf(perbawaslu(1))
    await upload(bot, pdf, "p.pdf", "application/pdf")
    embedded = bot.embedder.embedded
    msg = await upload(bot, pdf, "p.pdf", "application/pdf")
    assert msg.text.startswith("ℹ️") and "0 ditambah, 0 dihapus, 3 tidak berubah" in msg.text
    assert bot.embedder.embedded == embedded  # nothing embedded
    assert {p.version for p in bot.engine.document_passages(DOC_ID)} == {1}
    changed = await upload(bot, perbawaslu(2).encode(), "p.md", "text/markdown")
    assert "versi 2 (diperbarui)" in changed.text and "2 ditambah, 2 dihapus, 1 tidak berubah" in changed.text
    assert "Versi sebelumnya: 1" in changed.text
    assert bot.embedder.embedded == embedded + 2  # only the two changed articles
    versions = await bot.services.admin_log.versions(DOC_ID)
    assert [(v.version, v.added, v.removed) for v in versions] == [(1, 3, 0), (2, 2, 2)]
    assert versions[1].changes == {"added": ["pasal-1", "pasal-2"], "removed": ["pasal-1", "pasal-2"]}
    assert versions[0].content_hash != versions[1].content_hash


async def test_bad_uploads_change_nothing(admin_bot):
    bot = admin_bot
    await upload(bot, text_pdf(perbawaslu(1)), "p.pdf", "application/pdf")
    size, docs = bot.engine.size, bot.engine.documents()
    from tests.conftest import CORPUS

    fixture = CORPUS.parents[1] / "tests" / "fixtures" / "docs" / "bawaslu-no-article.html"
    cases = [
        (b"%PDF-1.4 ini bukan pdf yang benar", "rusak.pdf", "application/pdf", "PDF rusak"),
        (b"", "kosong.txt", "text/plain", "kosong"),
        (b"   \n  ", "spasi.md", "text/markdown", "kosong"),
        (blank_pdf(), "pindaian.pdf", "application/pdf", "perlu OCR"),
        (b"PK\x03\x04 docx", "aturan.docx",
         "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "tidak didukung"),
        (fixture.read_bytes(), "kosong.html", "text/html", "tidak berisi teks artikel"),
    ]
    for data, name, mime, reason in cases:
        msg = await upload(bot, data, name, mime)
        assert msg.text.startswith("❌"), (name, msg.text)
        assert reason in msg.text and "Tidak ada yang diubah" in msg.text, (name, msg.text)
    big = await upload(bot, b"Pasal 1\n" + b"x" * 400_000, "besar.txt", "text/plain")
    assert "terlalu besar" in big.text and "Tidak ada yang diubah" in big.text
    assert bot.engine.size == size and bot.engine.documents() == docs
    assert "20 (dua puluh) akun" in await ask_text(bot, QUESTION)  # the previous version still served


async def test_ingest_url_and_bad_urls(admin_bot):
    bot = admin_bot
    with BawasluSite() as site:
        slug, title, _ = site.articles[1]
        before = len(bot.stub.messages(ADMIN))
        await bot.stub.send_text(ADMIN, f"/ingest {site.url}/berita/{slug}")
        msg = await final_reply(bot, before)
        assert msg.text.startswith("✅") and f"berita «{title}»" in msg.text
        assert any(h.get("User-Agent", "").startswith("KonsultasiHukumKepemiluanBot") for _, h in site.requests)
        size = bot.engine.size
        for path, reason in [("/berita/tidak-ada-halaman-ini", "HTTP 404"),
                             ("/putar-1", "Terlalu banyak pengalihan"),
                             ("/lambat-sekali", "Waktu habis")]:
            before = len(bot.stub.messages(ADMIN))
            await bot.stub.send_text(ADMIN, f"/ingest {site.url}{path}")
            msg = await final_reply(bot, before)
            assert msg.text.startswith("❌") and reason in msg.text, msg.text
        assert bot.engine.size == size


async def test_progress_is_edited_in_place_for_a_large_document(admin_bot):
    bot = admin_bot
    articles = "\n\n".join(f"Pasal {i}\nPengawas pemilu nomor {i} melaksanakan tugas pengawasan tahap {i}." for i in range(1, 201))
    text = perbawaslu(1).split("Pasal 1")[0] + articles
    msg = await upload(bot, text.encode(), "besar.md", "text/markdown")
    assert msg.text.startswith("✅") and "200 ditambah" in msg.text
    assert msg.edits >= 3  # "Memuat …" → progress (64, 128, 192 of 200) → summary, one message
    assert len([m for m in bot.stub.messages(ADMIN) if "Memuat" in m.text or m is msg]) == 1


async def test_admin_sources_lists_counts_versions_and_audit(admin_bot):
    bot = admin_bot
    await upload(bot, text_pdf(perbawaslu(1)), "p.pdf", "application/pdf")
    before = len(bot.stub.messages(ADMIN))
    await bot.stub.send_text(ADMIN, "/sumber")
    await bot.stub.settle()
    text = "\n".join(m.text for m in bot.stub.messages(ADMIN)[before:])
    assert f"{DOC_ID} — Peraturan Badan Pengawas" in text
    assert "3 pasase · berlaku · versi 1 · dimuat" in text and "WIB" in text
    assert "dicabut oleh UU No. 7 Tahun 2017" in text  # uu-8-2012's status
    assert "korpus bawaan" in text
    assert f"telegram:{ADMIN} · ingest {DOC_ID}" in text


# ------------------------------------------------------------------------------ issue 11
THRESHOLD_Q = "berapa persen syarat partai mengusung calon bupati?"


async def sumber_text(bot) -> str:
    before = len(bot.stub.messages(ADMIN))
    await bot.stub.send_text(ADMIN, "/sumber")
    await bot.stub.settle()
    return "\n".join(m.text for m in bot.stub.messages(ADMIN)[before:])


async def test_synthetic_pkpu_upload_repealing_an_earlier_one_marks_it_dicabut(admin_bot):
    from tests.synthetic_regs import pkpu

    bot = admin_bot
    first = await upload(bot, pkpu(5, 2099, days=10).encode(), "pkpu 5 2099.md", "text/markdown")
    assert first.text.startswith("✅") and "pkpu-5-2099" in first.text, first.text
    question = "berapa lama daftar pemilih sementara diumumkan di kantor desa?"
    before = await ask_text(bot, question)
    assert "10 (hari) hari" in before and "dicabut oleh PKPU No. 7 Tahun 2099" not in before
    second = await upload(bot, text_pdf(pkpu(7, 2099, days=14, repeals=(5, 2099))), "pkpu 7 2099.pdf",
                          "application/pdf")
    assert second.text.startswith("✅"), second.text
    docs = {d["doc_id"]: d for d in bot.engine.documents()}
    assert docs["pkpu-5-2099"]["status"] == "dicabut" and docs["pkpu-5-2099"]["status_by"] == "pkpu-7-2099"
    assert docs["pkpu-7-2099"]["status"] == "berlaku"
    answer = await ask_text(bot, question)
    assert "14 (hari) hari" in answer
    if "10 (hari) hari" in answer:  # the repealed text may still be shown, but never as law in force
        assert "dicabut oleh PKPU No. 7 Tahun 2099" in answer
    sumber = await sumber_text(bot)
    assert "pkpu-5-2099" in sumber and "dicabut oleh PKPU No. 7 Tahun 2099" in sumber
    assert "↳ dicabut pkpu-5-2099" in sumber  # what the later PKPU does, listed with it


async def test_status_records_an_article_effect_audit_logged_and_shown_in_sumber(admin_bot):
    bot = admin_bot
    assert "dimaknai" not in await ask_text(bot, THRESHOLD_Q)
    reply = await command(bot, ADMIN, "/status uu-10-2016 pasal 40 ayat 1 dimaknai oleh putusan-mk-60-2024")
    assert "Pasal 40 ayat (1)" in reply.text and "dimaknai" in reply.text and "seketika" in reply.text
    answer = await ask_text(bot, THRESHOLD_Q)
    assert "Perhatian: Pasal 40 ayat (1) UU 10/2016 telah dimaknai lain oleh Putusan MK Nomor 60 Tahun 2024" in answer
    assert answer.index("telah dimaknai lain") < answer.index("Menurut sumber")  # before the quote
    admin_log = bot.services.admin_log
    stored = await admin_log.overrides()
    assert stored["uu-10-2016:pasal-40/ayat-1"] == ("dimaknai", "putusan-mk-60-2024")
    audit = await admin_log.recent(3)
    assert (audit[0].action, audit[0].doc_id, audit[0].detail) == (
        "status", "uu-10-2016:pasal-40/ayat-1", "dimaknai oleh putusan-mk-60-2024")
    sumber = await sumber_text(bot)
    assert "uu-10-2016:pasal-40/ayat-1 dimaknai oleh putusan-mk-60-2024" in sumber
    # the «Pasal lengkap» view shows the article's chain, the admin's record included
    [*_, last] = await bot.ask(USER, THRESHOLD_Q, timeout=10.0)
    views = []
    for label in [b["text"] for b in last.buttons() if b["text"].startswith("📖")]:
        before = len(bot.stub.messages(USER))
        qid = await bot.stub.click(USER, last, label)
        await bot.stub.wait_for_answer(qid)
        views.append("\n".join(m.text for m in (await bot.stub.wait_for_messages(USER, before + 1))[before:]))
    pasal40 = [v for v in views if v.startswith("📖 UU No. 10 Tahun 2016, Pasal 40")]
    assert pasal40, [v[:80] for v in views]
    assert "Riwayat pasal" in pasal40[0] and "dimaknai lain oleh Putusan MK Nomor 60 Tahun 2024" in pasal40[0]
    assert "(dicatat admin)" in pasal40[0]
    assert pasal40[0].index("Riwayat pasal") < pasal40[0].index("(1) Partai Politik")
    # bad input: a clear message, nothing stored
    bad = await command(bot, ADMIN, "/status uu-10-2016 pasal 40 ayat 1 dihilangkan oleh x")
    assert "tidak dikenal" in bad.text
    no_by = await command(bot, ADMIN, "/status uu-10-2016 pasal 40 dimaknai")
    assert "Sebutkan sumbernya" in no_by.text
    # a record for a document not in the index waits for it
    waits = await command(bot, ADMIN, "/status pkpu-1-2099 pasal 3 dibatalkan oleh putusan-mk-1-2099")
    assert "belum ada di basis pengetahuan" in waits.text
    assert "⏳" in await sumber_text(bot)
    # berlaku clears the record, at once
    cleared = await command(bot, ADMIN, "/status uu-10-2016 pasal 40 ayat 1 berlaku")
    assert "dihapus" in cleared.text
    assert "dimaknai" not in await ask_text(bot, THRESHOLD_Q)
    assert bot.engine.admin_effects() and all(e.target.doc_id == "pkpu-1-2099" for e in bot.engine.admin_effects())


async def test_article_effects_recorded_by_admins_are_applied_at_start(stub, tmp_path, fixture_passages):
    from bot.article_status import ArticleCommand
    from knowledge.effects import Target

    engine = seeded_engine(tmp_path / "chroma", fixture_passages, embedder=CountingEmbedder())
    settings = make_settings(stub, tmp_path)
    first = await start_bot(stub, settings, engine, store=engine.store)
    try:
        await first.services.knowledge.set_article_effect(
            ArticleCommand(Target("uu-10-2016", "40", "3"), "dibatalkan", "putusan-mk-60-2024"), actor="test")
    finally:
        await stop_application(first.app)
    fresh = seeded_engine(tmp_path / "chroma2", fixture_passages, embedder=CountingEmbedder())
    assert fresh.admin_effects() == []
    second = await start_bot(stub, settings, fresh, store=fresh.store)
    try:
        assert [(e.kind, e.target.format()) for e in fresh.admin_effects()] == [
            ("dibatalkan", "uu-10-2016:pasal-40/ayat-3")]
    finally:
        await stop_application(second.app)
