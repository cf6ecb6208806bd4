"""Abuse benchmark (issue 13): flooders against ordinary citizens, through the Bot API stand-in.

The real Application (bot.app.build_application) long-polls the stand-in over HTTP on
127.0.0.1, with Telegram's outgoing limits on (~30 messages/s, 20 a minute into one group:
bot.flood), a staff group and staff members. Two phases in ONE run, on the same bot:

1. baseline: 20 ordinary citizens ask a question each and 10 ask for staff (/petugas <text>),
   nobody else;
2. abuse: the same ordinary load (new citizens) while three flooders send 600 messages each
   within a minute (10/s): every kind (questions, stickers, voice, photos, locations, /start,
   /sumber, /bantuan, unknown commands, /petugas, forged «Tanya petugas» taps, repeated 👎,
   the emoji report "saya mau lapor " + 2,000 emoji, /lapor → text → /batal loops, 200 evidence
   photos). The ordinary load starts 10 s into the flood.

Measured per phase: every ordinary citizen answered (the final part of the answer, the one with
the buttons) and p95 of send → answer; every ordinary staff card delivered to the staff group
and p95 of send → card; messages the bot sent to the flooders and into the staff group about
their tickets; and at the end, outbox rows still pending or failed.

    .venv/bin/python bench/abuse.py                 # the engine over one small document
    .venv/bin/python bench/abuse.py --flood-seconds 30 --per-flooder 300   # shorter
"""
from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pydantic import SecretStr  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from bench.load_bot import QUESTIONS, load_engine, pct  # noqa: E402
from bot.app import build_application, start_application, stop_application  # noqa: E402
from bot.context import services_of  # noqa: E402
from bot.db import Database  # noqa: E402
from bot.outbox_store import FAILED, PENDING, OutboxMessage  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.tickets import Ticket  # noqa: E402
from standins.bot_api import SentMessage, TelegramStub  # noqa: E402

TOKEN = "123456789:AAHbenchTOKENnotREAL_0123456789abcd"
STAFF_GROUP = -100900
STAFF = [9001, 9002]
FLOODERS = [66_601, 66_602, 66_603]
EMOJI_REPORT = "saya mau lapor " + "💥" * 2000


def is_answer(msg: SentMessage) -> bool:
    return any((b.get("callback_data") or "").startswith("hp:") for b in msg.buttons())


class Phase:
    def __init__(self, name: str) -> None:
        self.name = name
        self.asked: dict[int, float] = {}  # citizen -> sent at
        self.answered: dict[int, float] = {}
        self.staff_asked: dict[str, float] = {}  # marker -> sent at
        self.carded: dict[str, float] = {}

    def row(self) -> dict:
        qa = [(self.answered[u] - t) * 1000 for u, t in self.asked.items() if u in self.answered]
        cards = [(self.carded[k] - t) * 1000 for k, t in self.staff_asked.items() if k in self.carded]
        return {"answered": len(qa), "asked": len(self.asked), "p95_answer_ms": pct(qa, 95),
                "carded": len(cards), "staff_asked": len(self.staff_asked), "p95_card_ms": pct(cards, 95)}


async def ordinary(stub: TelegramStub, phase: Phase, base: int, *, citizens: int, staff: int) -> None:
    """`citizens` questions and `staff` /petugas requests, spread over ~10 s."""
    jobs = []
    for i in range(citizens):
        uid = base + i
        stub.user(uid)

        async def ask(uid=uid, i=i):
            await asyncio.sleep(i * 0.5)
            phase.asked[uid] = time.perf_counter()
            await stub.send_text(uid, QUESTIONS[i % len(QUESTIONS)])
        jobs.append(ask())
    for i in range(staff):
        uid = base + 500 + i
        stub.user(uid)
        marker = f"{phase.name}-petugas-{i}"

        async def request(uid=uid, i=i, marker=marker):
            await asyncio.sleep(i * 1.0 + 0.25)
            phase.staff_asked[marker] = time.perf_counter()
            await stub.send_text(uid, f"/petugas mohon bantuan soal DPT, kode {marker}")
        jobs.append(request())
    await asyncio.gather(*jobs)


async def flooder(stub: TelegramStub, uid: int, *, total: int, seconds: float) -> None:
    """`total` messages of every kind within `seconds` (fire and forget, like a script would)."""
    stub.user(uid)
    fake = SentMessage(chat_id=uid, message_id=1, html="", text="", entities=[], parse_mode=None,
                       reply_markup=None, reply_to=None, sent_at=time.time())
    script = [
        lambda: stub.send_text(uid, EMOJI_REPORT),
        lambda: stub.send_text(uid, "Kepala desa membagikan amplop."),
        lambda: stub.send_text(uid, "Pak Darto"),
        lambda: stub.send_text(uid, "Sabtu malam di balai desa"),
    ] + [lambda: stub.send_photo(uid)] * 200  # 200 evidence photos
    kinds = [
        lambda: stub.send_text(uid, "apa syarat pendidikan calon bupati?"),
        lambda: stub.send_sticker(uid),
        lambda: stub.send_voice(uid),
        lambda: stub.send_photo(uid),
        lambda: stub.send_location(uid),
        lambda: stub.send_text(uid, "/start"),
        lambda: stub.send_text(uid, "/sumber"),
        lambda: stub.send_text(uid, "/bantuan"),
        lambda: stub.send_text(uid, "/perintahtidakada"),
        lambda: stub.send_text(uid, "/petugas tolong saya sekarang juga"),
        lambda: stub.press(uid, fake, f"hp:{uid % 1000}"),  # forged «Tanya petugas»
        lambda: stub.press(uid, fake, f"fb:{uid % 1000}:-"),  # repeated 👎
        lambda: stub.send_text(uid, "/lapor"),
        lambda: stub.send_text(uid, "ada kecurangan di TPS 3"),
        lambda: stub.send_text(uid, "/batal"),
        lambda: stub.send_text(uid, EMOJI_REPORT),
    ]
    while len(script) < total:
        script.append(kinds[len(script) % len(kinds)])
    t0 = time.perf_counter()
    for n, send in enumerate(script[:total]):
        delay = t0 + n * seconds / total - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        await send()


async def drain(db: Database, stub: TelegramStub, phase: Phase, timeout: float) -> None:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        async with db.sessions() as s:
            pending = (await s.execute(select(func.count()).select_from(OutboxMessage)
                                       .where(OutboxMessage.status == PENDING))).scalar_one()
        if not pending and len(phase.answered) >= len(phase.asked) and len(phase.carded) >= len(phase.staff_asked):
            return
        await asyncio.sleep(0.5)


async def run(args) -> int:
    engine, engine_name = load_engine(True)
    tmp = Path(tempfile.mkdtemp(prefix="kepemiluan-abuse-"))
    stub = await TelegramStub(TOKEN).start()
    for uid in STAFF:
        stub.add_member(STAFF_GROUP, uid, "member")
    settings = Settings(
        _env_file=None, telegram_token=SecretStr(TOKEN), telegram_base_url=stub.base_url,
        telegram_base_file_url=stub.base_file_url, data_dir=tmp, staff_chat_id=STAFF_GROUP,
        staff_ids=STAFF, outbox_poll_seconds=0.2, pseudonym_salt=SecretStr("bench-abuse-salt"),
    )
    db = Database(settings.db_url)
    app = build_application(settings, engine, db=db, flood_limit=args.flood_limit)
    await start_application(app, poll_timeout=1.0)

    phases = {"baseline": Phase("baseline"), "abuse": Phase("abuse")}
    current: list[Phase] = [phases["baseline"]]
    flooder_msgs = {u: 0 for u in FLOODERS}
    staff_msgs = {"baseline": 0, "abuse": 0}

    def on_sent(msg: SentMessage) -> None:
        phase = current[0]
        if msg.chat_id in flooder_msgs:
            flooder_msgs[msg.chat_id] += 1
        elif msg.chat_id == STAFF_GROUP:
            staff_msgs[phase.name] += 1
            for marker in phase.staff_asked:
                if marker in msg.text and marker not in phase.carded and msg.text.startswith("🎫 Tiket #"):
                    phase.carded[marker] = time.perf_counter()
        elif msg.chat_id in phase.asked and is_answer(msg) and msg.chat_id not in phase.answered:
            phase.answered[msg.chat_id] = time.perf_counter()

    stub.listeners.append(on_sent)
    started = time.perf_counter()
    # 1. baseline: the ordinary load alone
    await ordinary(stub, phases["baseline"], 200_000, citizens=args.citizens, staff=args.staff)
    await drain(db, stub, phases["baseline"], args.drain)
    baseline_s = time.perf_counter() - started

    # 2. the same ordinary load (new citizens), 10 s into three floods
    current[0] = phases["abuse"]
    t1 = time.perf_counter()
    floods = [asyncio.create_task(flooder(stub, u, total=args.per_flooder, seconds=args.flood_seconds))
              for u in FLOODERS]
    await asyncio.sleep(min(10.0, args.flood_seconds / 3))
    await ordinary(stub, phases["abuse"], 300_000, citizens=args.citizens, staff=args.staff)
    await asyncio.gather(*floods)
    await drain(db, stub, phases["abuse"], args.drain)
    abuse_s = time.perf_counter() - t1
    await asyncio.sleep(1.0)

    async with db.sessions() as s:
        pending = (await s.execute(select(func.count()).select_from(OutboxMessage)
                                   .where(OutboxMessage.status == PENDING))).scalar_one()
        failed = (await s.execute(select(func.count()).select_from(OutboxMessage)
                                  .where(OutboxMessage.status == FAILED))).scalar_one()
        pseudonyms = {services_of(app).ask.pseudonym(u) for u in FLOODERS}
        flood_tickets = (await s.execute(select(func.count()).select_from(Ticket)
                                         .where(Ticket.user_pseudonym.in_(pseudonyms)))).scalar_one()
    await stop_application(app)
    await stub.stop()

    b, a = phases["baseline"].row(), phases["abuse"].row()

    def ratio(x: float, y: float) -> str:
        return f"{x / y:.2f}×" if y and y == y and x == x else "n/a"

    sent_by_flooders = args.per_flooder * len(FLOODERS)
    print(f"engine                 : {engine_name}")
    print(f"flood limit            : {args.flood_limit:g} msg/s overall, "
          f"{'20/min per group' if args.flood_limit else 'off'}")
    print(f"flood                  : {len(FLOODERS)} users × {args.per_flooder} messages in {args.flood_seconds:g} s")
    print(f"phases                 : baseline {baseline_s:.1f} s, abuse {abuse_s:.1f} s")
    print()
    print("| measure | baseline (ordinary users alone) | with 3 flooders | ratio |")
    print("|---|---|---|---|")
    print(f"| ordinary citizens answered | {b['answered']}/{b['asked']} | {a['answered']}/{a['asked']} | |")
    print(f"| p95 question → answer | {b['p95_answer_ms']:.0f} ms | {a['p95_answer_ms']:.0f} ms | "
          f"{ratio(a['p95_answer_ms'], b['p95_answer_ms'])} |")
    print(f"| ordinary staff cards delivered | {b['carded']}/{b['staff_asked']} | {a['carded']}/{a['staff_asked']} | |")
    print(f"| p95 /petugas → card in the staff group | {b['p95_card_ms']:.0f} ms | {a['p95_card_ms']:.0f} ms | "
          f"{ratio(a['p95_card_ms'], b['p95_card_ms'])} |")
    print(f"| messages into the staff group | {staff_msgs['baseline']} | {staff_msgs['abuse']} | "
          f"{ratio(staff_msgs['abuse'], staff_msgs['baseline'])} |")
    print(f"| replies sent to the flooders ({sent_by_flooders} messages sent) | – | "
          f"{sum(flooder_msgs.values())} ({', '.join(str(v) for v in flooder_msgs.values())}) | |")
    print(f"| tickets the flooders opened | – | {flood_tickets} | |")
    print(f"| outbox rows left pending / failed | | {pending} / {failed} | |")
    ok = (a["answered"] == a["asked"] and a["carded"] == a["staff_asked"] and pending == 0
          and b["answered"] == b["asked"] and b["carded"] == b["staff_asked"])
    print()
    print("result                 :", "OK" if ok else "NOT OK")
    return 0 if ok else 1


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--citizens", type=int, default=20)
    ap.add_argument("--staff", type=int, default=10)
    ap.add_argument("--per-flooder", type=int, default=600)
    ap.add_argument("--flood-seconds", type=float, default=60.0)
    ap.add_argument("--flood-limit", type=float, default=30.0, help="outgoing msgs/s (Telegram: ~30; 0 = off)")
    ap.add_argument("--drain", type=float, default=150.0, help="seconds to wait for answers, cards and the outbox")
    return asyncio.run(run(ap.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
