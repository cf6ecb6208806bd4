"""Two bot replicas in webhook mode (separate processes, uvicorn) against one PostgreSQL database
and one `chroma run` server; the Bot API stand-in delivers updates by webhook, round-robin.

Proves: answers work across replicas, and a staff request filed on one replica refers to the
conversation another may have logged (shared PostgreSQL); the per-user rate limit is shared (one wait message, not
one per replica); a replica killed with SIGKILL while an update is in flight to it does not lose
the update (the stand-in, like Telegram, redelivers it and the other replica answers, once);
SIGTERM shuts a replica down cleanly; the JSON logs carry request ids and never the token.
"""
from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from sqlalchemy import func, select

from bot.texts import citizen as m
from bot.db import Conversation, Database
from bot.shared import Lease
from bot.tickets import Ticket
from tests.bot.conftest import TOKEN
from standins.bot_api import TelegramStub

from standins.servers import Replica, free_port

SECRET = "rahasia-replika_02"
HOOK = "https://bot.contoh.go.id/kait"
QUESTION = "apa syarat pendidikan calon bupati?"


def is_answer(msg) -> bool:
    return "Pasal 7" in msg.text and any((b.get("callback_data") or "").startswith("hp:") for b in msg.buttons())


STAFF_GROUP = -100555
STAFF_A, STAFF_B = 2101, 2102


@pytest.fixture
def extra_env() -> dict[str, str]:
    """More settings for the replicas; a test overrides it with @pytest.mark.parametrize."""
    return {}


@pytest.fixture
async def cluster(chroma, pg_databases, tmp_path, extra_env):
    db_url = pg_databases.create("kep_replicas")
    async with TelegramStub(TOKEN) as stub:
        env = {
            "KEPEMILUAN_TELEGRAM_TOKEN": TOKEN,
            "KEPEMILUAN_TELEGRAM_BASE_URL": stub.base_url,
            "KEPEMILUAN_TELEGRAM_BASE_FILE_URL": stub.base_file_url,
            "KEPEMILUAN_WEBHOOK_URL": HOOK,
            "KEPEMILUAN_WEBHOOK_SECRET": SECRET,
            "KEPEMILUAN_DATABASE_URL": db_url,
            "KEPEMILUAN_CHROMA_URL": chroma.url,
            "KEPEMILUAN_DATA_DIR": str(tmp_path / "data"),
            "KEPEMILUAN_RATE_LIMIT_PER_MINUTE": "3",
            "KEPEMILUAN_PSEUDONYM_SALT": "garam-replika",
            "KEPEMILUAN_LOG_FORMAT": "json",
            "KEPEMILUAN_STAFF_CHAT_ID": str(STAFF_GROUP),
            "KEPEMILUAN_OUTBOX_POLL_SECONDS": "0.2",
            **extra_env,
        }
        stub.add_member(STAFF_GROUP, STAFF_A, "member", "Sari")
        stub.add_member(STAFF_GROUP, STAFF_B, "administrator", "Budi")
        replicas = [Replica(name, env, free_port(), tmp_path) for name in ("a", "b")]
        for r in replicas:
            r.start()
        try:
            await asyncio.gather(*[r.wait_ready(150) for r in replicas])
            stub.deliver_by_webhook([f"{r.base}/kait" for r in replicas])
            db = Database(db_url)
            yield stub, replicas, db
            await db.close()
        finally:
            for r in replicas:
                r.stop()


async def _answers(stub, user):
    return [x for x in stub.messages(user) if is_answer(x)]


async def test_two_replicas_share_work_limits_and_survive_a_sigkill(cluster):
    stub, (a, b), db = cluster
    assert stub.webhook == {"url": HOOK, "secret_token": SECRET}

    # 1. answers across replicas
    users = list(range(8001, 8009))
    await asyncio.gather(*[stub.send_text(u, QUESTION) for u in users])
    for u in users:
        await stub.wait_for(lambda u=u: stub.messages(u), 30, f"answer for {u}")
    await stub.settle(0.3)
    for u in users:
        msgs = stub.messages(u)
        assert len(msgs) == 1 and is_answer(msgs[0]), [x.text[:100] for x in msgs]
    served = {d.target for d in stub.deliveries if d.status == 200}
    assert served == {f"{a.base}/kait", f"{b.base}/kait"}  # both replicas answered
    async with db.sessions() as s:
        assert (await s.execute(select(func.count()).select_from(Conversation))).scalar_one() == len(users)

    # 1b. a request for staff asked on one replica is a ticket in the shared database, about the
    # conversation whichever replica answered it logged
    await stub.send_text(users[0], "/petugas")
    await stub.wait_for(lambda: len(stub.messages(users[0])) >= 2, 30, "ticket receipt")
    async with db.sessions() as s:
        [ticket] = (await s.execute(select(Ticket))).scalars().all()
    assert ticket.conversation_id is not None and ticket.question == QUESTION and ticket.kind == "permintaan petugas"
    assert f"#{ticket.id}" in stub.messages(users[0])[-1].text

    # 2. the per-user limit (3 a minute) holds across replicas: 3 answers and ONE wait message
    spammer = 8100
    await asyncio.gather(*[stub.send_text(spammer, f"{QUESTION} ({i})") for i in range(5)])
    await stub.wait_for(lambda: len(stub.messages(spammer)) >= 4, 30, "3 answers + 1 wait message")
    await stub.settle(0.5)
    texts = [x.text for x in stub.messages(spammer)]
    assert len(await _answers(stub, spammer)) == 3
    assert len([t for t in texts if "tunggu sekitar" in t]) == 1 and len(texts) == 4

    # 3. replica A is killed (SIGKILL) while an update is in flight to it
    a.pause()  # frozen: the kernel accepts the connection, the process never answers
    victim = 8200
    update = await stub.push_update({"message": stub.make_message(victim, text=QUESTION)}, target=0)  # to A
    await asyncio.sleep(0.5)  # the POST is on its way to / sitting in A
    assert not [d for d in stub.deliveries if d.update_id == update["update_id"]]  # still in flight
    a.kill()
    await stub.wait_for(lambda: stub.messages(victim), 30, "the answer from replica B")
    await stub.settle(0.5)
    assert len(stub.messages(victim)) == 1 and is_answer(stub.messages(victim)[0])
    tried = [d for d in stub.deliveries if d.update_id == update["update_id"]]
    assert tried[0].target == f"{a.base}/kait" and tried[0].status != 200  # the killed replica
    assert tried[-1].status == 200 and tried[-1].target == f"{b.base}/kait"  # redelivered to B

    # 4. B goes on serving alone, then stops cleanly on SIGTERM
    await stub.send_text(8300, QUESTION)
    await stub.wait_for(lambda: stub.messages(8300), 30, "answer after the kill")
    assert b.stop() == 0
    lines = [json.loads(line) for line in b.output().splitlines() if line.startswith("{")]
    assert lines and any(r["request_id"].startswith("u") for r in lines)
    assert TOKEN not in b.output() and TOKEN.split(":")[1] not in b.output() and SECRET not in b.output()
    assert QUESTION not in b.output()  # no message text above DEBUG
    assert m.ERROR not in "".join(x.text for u in users for x in stub.messages(u))


async def test_redelivered_update_is_answered_once_across_replicas(cluster):
    stub, (a, b), db = cluster
    update = await stub.push_update({"message": stub.make_message(8400, text=QUESTION)}, target=0)
    await stub.wait_for(lambda: stub.messages(8400), 30, "first answer")
    # Telegram redelivers the same update_id (it never saw our 200, e.g. a proxy timeout) to replica B
    await stub.redeliver(update, target=1)
    await stub.wait_for(lambda: len([d for d in stub.deliveries if d.update_id == update["update_id"]]) == 2, 30,
                        "the redelivery to B")
    await stub.settle(1.0)
    # in the order they were made: B's answer can come back before A's (A may still be answering)
    tried = sorted((d for d in stub.deliveries if d.update_id == update["update_id"]), key=lambda d: d.started)
    assert [(d.target, d.status) for d in tried] == [(f"{a.base}/kait", 200), (f"{b.base}/kait", 200)]
    assert len(stub.messages(8400)) == 1 and is_answer(stub.messages(8400)[0])
    async with db.sessions() as s:
        assert (await s.execute(select(func.count()).select_from(Conversation))).scalar_one() == 1


def _cards(stub, n: int):
    return [x for x in stub.messages(STAFF_GROUP) if x.text.startswith(f"🎫 Tiket #{n} ") and x.buttons()]


async def _metric(replica, name: str, label: str) -> float:
    async with httpx.AsyncClient(trust_env=False, timeout=5) as client:
        text = (await client.get(f"{replica.base}/metrics")).text
    for line in text.splitlines():
        if line.startswith(f"{name}{{{label}}} "):
            return float(line.split()[-1])
    raise AssertionError(f"{name}{{{label}}} not in /metrics")


async def test_ticket_opened_on_one_replica_is_answered_through_the_other(cluster):
    stub, (a, b), db = cluster
    citizen = 8500
    await stub.send_text(citizen, "/petugas nama saya tidak ada di DPT, mohon bantuan petugas", target=0)  # to A
    ack = await stub.wait_for(lambda: next((x for x in stub.messages(citizen) if "Nomor tiket Anda: #1" in x.text),
                                           None), 30, "the ticket number")
    card = await stub.wait_for(lambda: (_cards(stub, 1) or [None])[0], 30, "the card in the staff group")
    assert "nama saya tidak ada di DPT" in card.text and "permintaan petugas" in card.text
    # both replicas report it on /metrics: the gauge reads the shared ticket store
    assert await _metric(a, "kepemiluan_open_tickets", 'age="<1j"') == 1.0
    assert await _metric(b, "kepemiluan_open_tickets", 'age="<1j"') == 1.0

    # staff claim on B, then reply on B; the relay reaches the citizen once
    qid = await stub.click(STAFF_A, card, "🙋 Ambil", target=1)
    assert (await stub.wait_for_answer(qid, 30))["text"] == "Tiket #1 sekarang Anda tangani."
    await stub.send_group_text(STAFF_GROUP, STAFF_A, "Silakan cek DPT online lalu lapor ke PPS.", reply_to=card,
                               target=1)
    relay = await stub.wait_for(lambda: next((x for x in stub.messages(citizen) if "Jawaban petugas untuk tiket #1"
                                              in x.text), None), 30, "the relay")
    assert "Silakan cek DPT online lalu lapor ke PPS." in relay.text and "Sari" not in relay.text
    await stub.wait_for(lambda: any("Jawaban diteruskan ke warga (tiket #1)" in x.text
                                    for x in stub.messages(STAFF_GROUP)), 30, "the staff confirmation")
    await stub.settle(1.0)
    assert [x.text for x in stub.messages(citizen)].count(ack.text) == 1
    assert len([x for x in stub.messages(citizen) if "Jawaban petugas" in x.text]) == 1
    assert len([x for x in stub.messages(STAFF_GROUP) if x.text.startswith("🎫 Tiket #1 ")]) == 1
    async with db.sessions() as s:
        [ticket] = (await s.execute(select(Ticket))).scalars().all()
    assert ticket.status == "dijawab" and ticket.assignee_id == STAFF_A
    assert await _metric(a, "kepemiluan_open_tickets", 'age="<1j"') == 0.0
    targets = {d.target for d in stub.deliveries if d.status == 200}
    assert targets == {f"{a.base}/kait", f"{b.base}/kait"}


REMINDER_S = 3.0


@pytest.mark.parametrize("extra_env", [{"KEPEMILUAN_TICKET_OVERDUE_MINUTES": "0",
                                        "KEPEMILUAN_REMINDER_INTERVAL_MINUTES": str(REMINDER_S / 60)}])
async def test_reminders_fire_once_not_once_per_replica(cluster):
    stub, (a, b), db = cluster
    await stub.send_text(8600, "/petugas mohon dihubungi petugas", target=0)
    await stub.wait_for(lambda: _cards(stub, 1) or None, 30, "the card")

    def reminders():
        return [x for x in stub.messages(STAFF_GROUP) if x.text.startswith("⏰") or "Pengingat" in x.text]

    await stub.wait_for(lambda: reminders() or None, 4 * REMINDER_S + 10, "the first reminder")
    await asyncio.sleep(REMINDER_S * 0.8)  # both replicas' jobs ran at least once more meanwhile
    assert len(reminders()) == 1 and "#1" in reminders()[0].text
    # a second period: one more reminder, not two
    await stub.wait_for(lambda: len(reminders()) >= 2 or None, 3 * REMINDER_S + 10, "the second reminder")
    await asyncio.sleep(REMINDER_S * 0.5)
    assert len(reminders()) == 2
    # the job ran on the lease holder only: one replica logged reminders, the other none
    logged = [r.name for r in (a, b) if '"reminder: 1 overdue tickets"' in r.output()
              or "reminder: 1 overdue tickets" in r.output()]
    assert len(logged) == 1, logged
    async with db.sessions() as s:
        holders = (await s.execute(select(Lease.holder).where(Lease.name == "ticket-reminders"))).scalars().all()
    assert len(holders) == 1


async def test_violation_report_steps_follow_the_citizen_across_replicas(cluster):
    """Each step of the report intake lands on the other replica than the step before it."""
    stub, (a, b), db = cluster
    citizen = 8700

    async def step(send, needle: str):
        before = len(stub.messages(citizen))
        handled = len([d for d in stub.deliveries if d.status == 200])
        await send()
        reply = await stub.wait_for(lambda: next((x for x in stub.messages(citizen)[before:] if needle in x.text),
                                                 None), 30, f"{needle!r}")
        # a person answers seconds later: by then the replica has finished the update (its 200 to
        # Telegram comes after the step is stored); the reply itself is sent a moment before that
        await stub.wait_for(lambda: len([d for d in stub.deliveries if d.status == 200]) > handled, 30,
                            "the update handled")
        return reply

    await step(lambda: stub.send_text(citizen, "/lapor", target=0), "Ceritakan apa yang terjadi")
    asked = await step(lambda: stub.send_text(citizen, "Amplop berisi uang dibagikan ke warga Dusun Krajan.",
                                              target=1), "nama dan alamat")
    await step(lambda: stub.click(citizen, asked, "Tidak bersedia", target=0), "pihak yang dilaporkan")
    await step(lambda: stub.send_text(citizen, "Tim sukses calon nomor urut 2, Pak Darto", target=1),
               "Kapan dan di mana")
    asked = await step(lambda: stub.send_text(citizen, "Sabtu malam 20.00 di balai Dusun Krajan", target=0), "bukti")
    await step(lambda: stub.click(citizen, asked, "Tidak ada bukti", target=1), "sudah lengkap")
    async with db.sessions() as s:
        [ticket] = (await s.execute(select(Ticket))).scalars().all()
    assert ticket.kind == "laporan pelanggaran" and ticket.report["state"] == "lengkap"
    assert ticket.report["reporter"] == "(tidak bersedia disebutkan)"
    assert ticket.report["reported"] == "Tim sukses calon nomor urut 2, Pak Darto"
    assert ticket.report["when_where"] == "Sabtu malam 20.00 di balai Dusun Krajan"
    assert ticket.report["account"] == "Amplop berisi uang dibagikan ke warga Dusun Krajan."
    # the conversation is over on both replicas: a question is answered, not taken as a step
    for target in (0, 1):
        await step(lambda target=target: stub.send_text(citizen, QUESTION, target=target), "Pasal 7")
