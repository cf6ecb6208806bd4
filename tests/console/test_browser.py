"""The console in a real browser: headless Chromium from the Debian package (/usr/bin/chromium),
driven by Playwright for Python with `executable_path` (no browser is ever downloaded).

The flow of issue 14: a citizen's question opens a ticket; the staff member's /konsol link arrives
through the Bot API stand-in; the browser logs in, finds the ticket, claims it and replies; the
citizen receives the reply in the stand-in; the Telegram card shows it answered.

Screenshots of the inbox, a ticket and the dashboard at 390×844 and 1280×800 are written to
$KEPEMILUAN_CONSOLE_SCREENSHOTS when set (`make screenshots` style:
KEPEMILUAN_CONSOLE_SCREENSHOTS=docs/console pytest tests/console/test_browser.py), else to the
test's tmp dir.
"""
from __future__ import annotations

import asyncio
import contextlib
import os
import random
import socket
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from bot.app import stop_application
from bot.console.server import ConsoleServer
from bot.db import Conversation, utcnow
from bot.tickets import Ticket, TicketMessage

from .conftest import STAFF_A, STAFF_GROUP, USER, console_settings, login_link, start_bot

CHROMIUM = Path("/usr/bin/chromium")
SIZES = {"mobile": (390, 844), "desktop": (1280, 800)}

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed at /usr/bin/chromium (apt-get "
                       "install -y chromium chromium-driver; .ci/run installs it)"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.asynccontextmanager
async def console_of(harness, port: int):
    """The web console of a running bot, served on `port`; the bot is stopped after it."""
    console = ConsoleServer(harness.app, port=port)
    await console.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await console.stop()
        await stop_application(harness.app)


@pytest.fixture
async def served(stub, tmp_path, fake_engine):
    port = free_port()
    settings = console_settings(stub, tmp_path, console_port=port)
    harness = await start_bot(stub, settings, fake_engine)
    async with console_of(harness, port) as url:
        yield harness, url


async def seed_history(db, days: int = 12) -> None:
    """Past questions for the dashboard's charts (pseudonymous rows, as the bot logs them)."""
    rnd = random.Random(14)
    questions = {
        "answer": ["Apa syarat pendidikan calon bupati?", "Berapa umur minimal calon gubernur?",
                   "Kapan masa kampanye pilkada dimulai?"],
        "abstain": ["Siapa yang akan menang pilkada tahun depan?", "Siapa bupati terpilih di kabupaten saya?",
                    "Apakah partai X curang menurut Anda?", "Siapa yang menang pilkada nanti?"],
        "escalate": ["Nama saya tidak ada di DPT, ini kasus saya"],
    }
    for day in range(days):
        for _ in range(rnd.randint(4, 12)):
            decision = rnd.choices(["answer", "abstain", "escalate"], [6, 2, 1])[0]
            cid = await db.log_conversation(
                user_pseudonym=f"{rnd.getrandbits(64):016x}", chat_type="private",
                question=rnd.choice(questions[decision]), question_truncated=False, decision=decision,
                reason="", confidence=0.7, sources=[], engine_ms=5.0, latency_ms=9.0)
            feedback = rnd.choice([1, 1, 1, -1, None]) if decision == "answer" else None
            async with db.sessions.begin() as s:
                await s.execute(update(Conversation).where(Conversation.id == cid).values(
                    created_at=utcnow() - timedelta(days=day, hours=rnd.randint(0, 20)), feedback=feedback))


async def test_browser_login_claim_reply_reaches_citizen_and_card(served, tmp_path):
    from playwright.async_api import async_playwright

    harness, base = served
    stub = harness.stub
    shots = Path(os.environ.get("KEPEMILUAN_CONSOLE_SCREENSHOTS") or tmp_path / "shots")
    shots.mkdir(parents=True, exist_ok=True)
    await seed_history(harness.db)
    others = ["tolong sambungkan ke petugas soal pindah TPS",
              "Saya mau sambungkan ke petugas, formulir C6 saya belum datang",
              "Ini kasus saya: KTP saya dipakai orang lain untuk dukungan calon perseorangan"]
    for i, text in enumerate(others):
        await stub.send_text(USER + 7 + i, text)
        await stub.wait_for(lambda: sum(1 for m in stub.messages(STAFF_GROUP) if m.buttons()) > i, 5, "a card")
    await stub.send_text(USER, "Nama saya hilang dari DPT padahal tahun lalu ada, ini kasus saya, harus bagaimana?")
    card = await stub.wait_for(lambda: next((m for m in stub.messages(STAFF_GROUP)
                                             if "hilang dari DPT" in m.text and m.buttons()), None), 5, "the card")
    number = int(card.text.split("#", 1)[1].split()[0])
    async with harness.db.sessions.begin() as s:  # tickets of different ages, as a real queue has
        for n, minutes in ((1, 26 * 60), (2, 5 * 60 + 10), (3, 95), (number, 35)):
            at = utcnow() - timedelta(minutes=minutes)
            await s.execute(update(Ticket).where(Ticket.id == n).values(created_at=at))
            await s.execute(update(TicketMessage).where(TicketMessage.ticket_id == n).values(at=at))

    link = await login_link(stub, STAFF_A)
    assert link.startswith(base + "/konsol/masuk/")

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                           args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        try:
            context = await browser.new_context(viewport={"width": 1280, "height": 800}, locale="id-ID")
            page = await context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            await page.goto(link)
            assert page.url == base + "/konsol/"
            await page.wait_for_selector(f"a[href='/konsol/tiket/{number}']")
            await page.wait_for_function("document.getElementById('queue-count').textContent.trim() === '4'")
            await shot(page, shots, "inbox")

            await page.fill("input[name=cari]", "DPT")
            await page.click("form.filters button[type=submit]")
            await page.wait_for_url("**cari=DPT**")
            assert await page.locator("ul.tickets li.ticket").count() == 1

            await page.click(f"a[href='/konsol/tiket/{number}']")
            await page.wait_for_selector("text=Pesan warga")
            await page.click("button:has-text('Ambil')")
            await page.wait_for_selector("#flash:has-text('sekarang Anda tangani')")
            await page.wait_for_selector("#ticket-assignee:has-text('Sari')")
            await stub.wait_for(lambda: "Ditangani: Sari" in card.text, 5, "the card to show the claim")

            await page.fill("#reply-text", "Silakan cek DPT online di cekdptonline.kpu.go.id, lalu lapor ke PPS.")
            await page.click("form.reply button[type=submit]")
            await page.wait_for_selector("#flash:has-text('sedang dikirim ke warga')")
            relay = await stub.wait_for(lambda: next((m for m in stub.messages(USER)
                                                      if "Jawaban petugas untuk tiket" in m.text), None), 5, "the relay")
            assert "cekdptonline.kpu.go.id" in relay.text and relay.text.rstrip().endswith("— Petugas Bawaslu")
            await stub.wait_for(lambda: "dijawab" in card.text, 5, "the card to show the ticket answered")
            await page.wait_for_selector("#ticket-status:has-text('dijawab')")
            await page.wait_for_selector("#relays:has-text('terkirim')", timeout=10_000)
            await shot(page, shots, "ticket")

            await page.click("a[href='/konsol/dasbor']")
            await page.wait_for_selector("svg.chart")
            assert await page.locator("table.gaps tbody tr").count() >= 1
            await shot(page, shots, "dashboard")
            assert not errors, errors
        finally:
            await browser.close()


async def shot(page, folder: Path, name: str) -> None:
    for size, (w, h) in SIZES.items():
        await page.set_viewport_size({"width": w, "height": h})
        await page.evaluate("window.scrollTo(0, 0)")
        await page.screenshot(path=str(folder / f"{name}-{size}.png"), full_page=False)
    await page.set_viewport_size({"width": 1280, "height": 800})


async def test_login_link_clicked_on_another_site_still_logs_in(served):
    """Telegram Web or a mail client opens the link from another site: the browser withholds the
    SameSite=Strict cookie on the redirect after login; the page reloads itself same-site."""
    from playwright.async_api import async_playwright

    harness, base = served
    link = await login_link(harness.stub, STAFF_A)
    other_site = base.replace("127.0.0.1", "localhost")  # another site for the browser
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        try:
            page = await (await browser.new_context()).new_page()
            await page.goto(other_site + "/konsol/static/console.css")
            await page.set_content(f'<a id="masuk" href="{link}">Masuk</a>')
            await page.click("#masuk")
            await page.wait_for_selector("h1, .summary", timeout=10_000)
            assert page.url == base + "/konsol/"
            assert "tiket terbuka" in await page.inner_text("main")
        finally:
            await browser.close()


@pytest.fixture
async def served_kb(stub, tmp_path, fixture_passages):
    from tests.live_support import CountingEmbedder, seeded_engine

    port = free_port()
    engine = seeded_engine(tmp_path / "chroma", fixture_passages, embedder=CountingEmbedder())
    settings = console_settings(stub, tmp_path, console_port=port, ingest_max_bytes=300_000)
    harness = await start_bot(stub, settings, engine, store=engine.store)
    async with console_of(harness, port) as url:
        yield harness, url


async def test_browser_admin_uploads_with_progress_and_removes_with_confirmation(served_kb, tmp_path):
    from playwright.async_api import async_playwright

    from tests.bot.conftest import ADMIN
    from tests.live_support import DOC_ID, perbawaslu

    harness, base = served_kb
    doc = tmp_path / "perbawaslu 9 2099.md"
    doc.write_text(perbawaslu(1))
    link = await login_link(harness.stub, ADMIN)
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        try:
            page = await (await browser.new_context()).new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            await page.goto(link)
            assert page.url == base + "/konsol/dasbor"  # an admin who is not staff lands on the dashboard
            await page.click("a[href='/konsol/pengetahuan']")
            await page.set_input_files("#doc-file", str(doc))
            await page.click("form.upload button[type=submit]")
            await page.wait_for_selector("#flash:has-text('Selesai')", timeout=20_000)
            assert "/" in await page.inner_text("#ingest-log")  # progress lines "stage: done/total"
            assert any(p.doc_id == DOC_ID for p in harness.engine.passages())

            await page.goto(f"{base}/konsol/pengetahuan/{DOC_ID}")
            page.once("dialog", lambda d: asyncio.ensure_future(d.accept("salah")))
            await page.click("form.remove button")
            await page.wait_for_selector("#flash.error")
            assert any(p.doc_id == DOC_ID for p in harness.engine.passages())  # wrong id: nothing removed
            page.once("dialog", lambda d: asyncio.ensure_future(d.accept(DOC_ID)))
            await page.click("form.remove button")
            await page.wait_for_url(base + "/konsol/pengetahuan", timeout=10_000)
            assert not any(p.doc_id == DOC_ID for p in harness.engine.passages())
            assert not errors, errors
        finally:
            await browser.close()
