"""The console over HTTP, against the real bot and the Bot API stand-in: login by /konsol link,
the inbox, claim / reply / close through the desk use cases (the Telegram card follows), and the
interface the issue names (/konsol/api/session, /konsol/api/tickets, .../reply)."""
from __future__ import annotations

from bot.application.console import ConsoleAuth, token_hash
from bot.db import Database

from .conftest import (
    ADMIN,
    NON_STAFF,
    STAFF_A,
    STAFF_B,
    STAFF_GROUP,
    USER,
    client_for,
    logged_in,
    login_link,
    path_of,
)


async def open_ticket(stub, text="Nama saya hilang dari DPT, ini kasus saya, harus bagaimana?"):
    await stub.send_text(USER, text)
    return await card_of(stub, 1)


async def card_of(stub, n: int):
    def find():
        return next((m for m in stub.messages(STAFF_GROUP) if m.text.startswith(f"🎫 Tiket #{n} ") and m.buttons()), None)

    return await stub.wait_for(find, 5, f"the card of ticket #{n}")


async def test_konsol_gives_staff_a_one_time_link_and_refuses_others(desk_bot):
    stub = desk_bot.stub
    link = await login_link(stub, STAFF_A)
    assert link.startswith(desk_bot.settings.console_base_url + "/konsol/masuk/")
    assert "10 menit" in stub.messages(STAFF_A)[-1].text

    await stub.send_text(NON_STAFF, "/konsol")
    refusal = (await stub.wait_for_messages(NON_STAFF, 1, 5))[0]
    assert "hanya untuk petugas dan admin" in refusal.text and "/konsol/masuk/" not in refusal.text

    client = client_for(desk_bot)
    assert (await client.head(path_of(link))).status_code == 200  # a link checker does not spend it
    r = await client.get(path_of(link))
    assert r.status_code == 303 and r.headers["location"] == "/konsol/"
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/konsol" in cookie
    assert "secure" not in cookie  # plain http on 127.0.0.1; https console URLs get Secure
    session = (await client.get("/konsol/api/session")).json()
    assert session["user_id"] == STAFF_A and session["roles"] == ["staff"] and len(session["csrf"]) == 64

    again = await client_for(desk_bot).get(path_of(link))  # the same link a second time
    assert again.status_code == 403 and "tidak berlaku" in again.text
    # only the hash of the link's token is stored
    token = link.rsplit("/", 1)[1]
    async with desk_bot.db.engine.connect() as conn:
        from sqlalchemy import text

        stored = [r[0] for r in await conn.execute(text("SELECT token_hash FROM console_login_tokens"))]
    assert token not in stored and token_hash(token) in stored


async def test_claim_and_reply_in_the_console_reach_the_citizen_and_the_card(desk_bot):
    stub = desk_bot.stub
    card = await open_ticket(stub)
    client = await logged_in(desk_bot, STAFF_A)
    csrf = (await client.get("/konsol/api/session")).json()["csrf"]

    [row] = (await client.get("/konsol/api/tickets")).json()
    assert row["number"] == 1 and row["kind"] == "pertanyaan" and row["status"] == "baru"
    assert row["assignee"] is None and row["age_minutes"] == 0 and "hilang dari DPT" in row["question"]
    assert set(row) == {"number", "kind", "status", "question", "assignee", "age_minutes"}

    r = await client.post("/konsol/api/tickets/1/claim", headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200 and r.json()["message"] == "Tiket #1 sekarang Anda tangani."
    await stub.wait_for(lambda: "Ditangani: Sari" in card.text, 5, "the card to show the console's claim")

    # a second staff member presses «Ambil» in Telegram: the console's claim won
    qid = await stub.click(STAFF_B, card, "🙋 Ambil")
    assert (await stub.wait_for_answer(qid))["text"].startswith("Tiket #1 sudah diambil oleh Sari")

    long = "Silakan cek DPT online <b>segera</b>. " + "Rincian langkah berikutnya. " * 200
    r = await client.post("/konsol/api/tickets/1/reply", json={"text": long}, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200, r.text
    parts = await stub.wait_for(
        lambda: [m for m in stub.messages(USER) if "Rincian langkah" in m.text] or None, 5, "the relay")
    await stub.settle()
    parts = [m for m in stub.messages(USER) if "Rincian langkah" in m.text or "Jawaban petugas" in m.text]
    assert len(parts) >= 2  # split under Telegram's limit by the desk
    assert "Silakan cek DPT online <b>segera</b>." in "".join(m.text for m in parts)  # text, not markup
    assert parts[-1].text.rstrip().endswith("— Petugas Bawaslu") and "Sari" not in "".join(m.text for m in parts)
    await stub.wait_for(lambda: "dijawab" in card.text, 5, "the card to show the ticket answered")
    # once Telegram accepted the last part, the staff member hears it in their chat with the bot
    await stub.wait_for(lambda: any("Jawaban diteruskan ke warga (tiket #1)" in m.text
                                    for m in stub.messages(STAFF_A)), 5, "the delivery confirmation")
    assert "terkirim" in (await client.get("/konsol/tiket/1")).text

    r = await client.post("/konsol/api/tickets/1/close", headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200
    await stub.wait_for(lambda: any("telah ditutup" in m.text for m in stub.messages(USER)), 5, "closed notice")
    await stub.wait_for(lambda: "ditutup" in card.text, 5, "the card to show the ticket closed")
    assert (await client.get("/konsol/api/tickets")).json() == []  # the default view: open tickets
    assert [t["status"] for t in (await client.get("/konsol/api/tickets?status=")).json()] == ["ditutup"]

    audit = [(e.action, e.actor) for e in await desk_bot.services.admin_log.recent(20, doc_id="tiket-1")]
    assert {("konsol-ambil", f"konsol:{STAFF_A}"), ("konsol-balas", f"konsol:{STAFF_A}"),
            ("konsol-tutup", f"konsol:{STAFF_A}")} <= set(audit)


async def test_a_claim_in_telegram_shows_in_the_console(desk_bot):
    stub = desk_bot.stub
    card = await open_ticket(stub)
    await stub.wait_for_answer(await stub.click(STAFF_B, card, "🙋 Ambil"))
    client = await logged_in(desk_bot, STAFF_A)
    [row] = (await client.get("/konsol/api/tickets")).json()
    assert row["status"] == "diambil" and row["assignee"].startswith("Budi")
    page = await client.get("/konsol/tiket/1")
    assert "Budi" in page.text and "🙋 Ambil" not in page.text
    csrf = (await client.get("/konsol/api/session")).json()["csrf"]
    r = await client.post("/konsol/api/tickets/1/reply", json={"text": "jawaban"}, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 409 and "ditangani oleh Budi" in r.json()["error"]
    assert not [m for m in stub.messages(USER) if "Jawaban petugas" in m.text]


async def test_security_no_session_no_csrf_staff_not_admin(desk_bot):
    stub = desk_bot.stub
    await open_ticket(stub)
    anon = client_for(desk_bot)
    for path in ("/konsol/api/session", "/konsol/api/tickets", "/konsol/", "/konsol/tiket/1", "/konsol/dasbor",
                 "/konsol/pengetahuan"):
        assert (await anon.get(path)).status_code == 401, path
    assert (await anon.post("/konsol/api/tickets/1/reply", json={"text": "x"})).status_code == 401
    assert (await anon.get("/konsol/masuk/bukan-token")).status_code == 403
    # from another site without the cookie: the page asks the browser to load it once more (same-site)
    cross = await anon.get("/konsol/", headers={"Sec-Fetch-Site": "cross-site"})
    assert cross.status_code == 401 and 'name="konsol-retry"' in cross.text
    same = await anon.get("/konsol/", headers={"Sec-Fetch-Site": "same-origin"})
    assert same.status_code == 401 and "konsol-retry" not in same.text  # no loop

    staff = await logged_in(desk_bot, STAFF_A)
    r = await staff.post("/konsol/api/tickets/1/reply", json={"text": "tanpa token"})
    assert r.status_code == 403 and "CSRF" in r.json()["error"]
    r = await staff.post("/konsol/api/tickets/1/reply", json={"text": "token salah"}, headers={"X-CSRF-Token": "0" * 64})
    assert r.status_code == 403
    assert not [m for m in stub.messages(USER) if "Jawaban petugas" in m.text]
    for path in ("/konsol/pengetahuan", "/konsol/pengetahuan/uu-10-2016"):
        assert (await staff.get(path)).status_code == 403, path
    csrf = (await staff.get("/konsol/api/session")).json()["csrf"]
    r = await staff.post("/konsol/api/pengetahuan/uu-10-2016/hapus", json={"confirm": "uu-10-2016"},
                         headers={"X-CSRF-Token": csrf})
    assert r.status_code == 403

    admin = await logged_in(desk_bot, ADMIN)  # an admin who is not staff
    assert (await admin.get("/konsol/api/session")).json()["roles"] == ["admin"]
    assert (await admin.get("/konsol/pengetahuan")).status_code == 200
    assert (await admin.get("/konsol/api/tickets")).status_code == 403
    assert (await admin.get("/konsol/dasbor")).status_code == 200


async def test_konsol_keluar_ends_every_session(desk_bot):
    stub = desk_bot.stub
    one, two = await logged_in(desk_bot, STAFF_A), await logged_in(desk_bot, STAFF_A)
    unused = await login_link(stub, STAFF_A)
    assert (await one.get("/konsol/api/session")).status_code == 200
    before = len(stub.messages(STAFF_A))
    await stub.send_text(STAFF_A, "/konsol keluar")
    bye = (await stub.wait_for_messages(STAFF_A, before + 1, 5))[before]
    assert "diakhiri (2 sesi)" in bye.text
    for c in (one, two):
        assert (await c.get("/konsol/api/session")).status_code == 401
    assert (await client_for(desk_bot).get(path_of(unused))).status_code == 403


async def test_citizen_html_is_escaped_in_every_view(desk_bot):
    stub = desk_bot.stub
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)> kasus saya'
    await stub.send_text(USER, evil)
    await card_of(stub, 1)
    await stub.send_text(USER, '<b onmouseover="x()">siapa yang menang</b> pendapat')  # abstains: a gap
    await stub.wait_for(lambda: len(stub.messages(USER)) >= 3, 5, "the abstention")
    client = await logged_in(desk_bot, STAFF_A)
    for path in ("/konsol/", "/konsol/tiket/1", "/konsol/dasbor", "/konsol/?cari=%3Cscript%3E"):
        page = await client.get(path)
        assert page.status_code == 200, path
        assert "<script>alert" not in page.text and "<img src=x" not in page.text and "<b onmouseover" not in page.text
        assert "default-src 'self'" in page.headers["content-security-policy"]
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in (await client.get("/konsol/tiket/1")).text
    assert "&lt;b onmouseover" in (await client.get("/konsol/dasbor")).text
    assert "&lt;script&gt;" in (await client.get("/konsol/?cari=%3Cscript%3E")).text


async def test_search_filters_and_queue(desk_bot):
    stub = desk_bot.stub
    await open_ticket(stub)
    await stub.send_text(USER + 1, "tolong sambungkan ke petugas soal TPS")
    await card_of(stub, 2)
    client = await logged_in(desk_bot, STAFF_A)
    assert [t["number"] for t in (await client.get("/konsol/api/tickets")).json()] == [1, 2]  # oldest first
    assert [t["number"] for t in (await client.get("/konsol/api/tickets?cari=tps")).json()] == [2]
    assert [t["number"] for t in (await client.get("/konsol/api/tickets?cari=%232")).json()] == [2]
    assert [t["number"] for t in (await client.get("/konsol/api/tickets?jenis=permintaan+petugas")).json()] == [2]
    assert (await client.get("/konsol/api/tickets?cari=100%25")).json() == []  # LIKE wildcards are text
    csrf = (await client.get("/konsol/api/session")).json()["csrf"]
    await client.post("/konsol/api/tickets/2/claim", headers={"X-CSRF-Token": csrf})
    assert [t["number"] for t in (await client.get("/konsol/api/tickets?petugas=saya")).json()] == [2]
    assert [t["number"] for t in (await client.get("/konsol/api/tickets?petugas=kosong")).json()] == [1]
    assert (await client.get("/konsol/api/tickets?cari=diambil+oleh")).json() == []  # system notes are not searched
    q = (await client.get("/konsol/api/queue")).json()
    assert q["open"] == 2 and q["oldest_minutes"] == 0
    page = await client.get("/konsol/?cari=dpt")
    assert "#1" in page.text and "TPS" not in page.text


async def test_a_session_made_on_one_replica_is_valid_on_another(db):
    """Two processes = two Database objects on one database (SQLite file or PostgreSQL)."""
    other = Database(db.url)
    try:
        a, b = ConsoleAuth(db), ConsoleAuth(other)
        raw = await a.issue_login(STAFF_A, "Sari", ["staff"])
        session, who = await b.redeem(raw)
        assert who.user_id == STAFF_A and who.roles == ("staff",)
        assert await a.redeem(raw) is None  # spent on the other replica
        assert (await a.principal(session)).csrf == who.csrf
        assert await b.revoke_all(STAFF_A) == 1
        assert await a.principal(session) is None
    finally:
        await other.close()


async def test_konsol_says_so_when_no_console_is_served(stub, tmp_path, fake_engine):
    from bot.app import stop_application

    from .conftest import console_settings, start_bot

    bot = await start_bot(stub, console_settings(stub, tmp_path, console_port=None), fake_engine)
    try:
        await stub.send_text(STAFF_A, "/konsol")
        [msg] = await stub.wait_for_messages(STAFF_A, 1, 5)
        assert "belum diaktifkan" in msg.text and "/konsol/masuk/" not in msg.text
    finally:
        await stop_application(bot.app)
