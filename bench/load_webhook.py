"""Load test of the production path: N bot replicas in webhook mode + a Chroma server + PostgreSQL.

    .venv/bin/python bench/load_webhook.py                       # 200 users x 3 questions, 2 replicas
    .venv/bin/python bench/load_webhook.py --users 200 --questions 5 --replicas 2
    .venv/bin/python bench/load_webhook.py --dense-weight 0.3    # a dense Chroma query per question too
    .venv/bin/python bench/load_webhook.py --tickets 100         # + 100 citizens asking for staff meanwhile

What runs, all on 127.0.0.1 and as separate processes like docker-compose's services:
* `chroma run` (the chromadb package's server) on a data folder kept in .bench/webhook-chroma/;
  the first run ingests the bundled corpus into it with `kepemiluan ingest` (minutes), later runs
  reuse it;
* a scratch PostgreSQL database `kep_bench_<random>` on the local server (dropped at the end);
* `--replicas` x `python -m bot.cli run` with KEPEMILUAN_WEBHOOK_URL set (bot/web.py: Starlette +
  uvicorn), all sharing that database (rate limits, conversation log) and the Chroma server;
* the Bot API stand-in (tests/telegram_stub.py) in this process: it delivers each update by webhook,
  round-robin over the replicas with up to 40 parallel connections (Telegram's default
  max_connections), and receives the replies.

With --tickets N, N other citizens send `/petugas …` while the questions run: each opens a ticket
whose acknowledgement (to the citizen) and card (to the staff group) go through the shared
outbox, which both replicas' workers deliver by claiming rows. Lost / duplicated are counted for
acknowledgements and cards; latency = /petugas queued -> card received.

Closed loop: every user sends a question, waits for the final part of the answer (the message with
the buttons), then sends the next. Latency = update queued at the stand-in -> answer received.
Lost = questions without an answer; duplicated = answers beyond one per question. Outgoing flood
control is off by default (--flood-limit 0, as in bench/load_bot.py): with Telegram's ~30
messages/s per bot, Telegram, not the bot, bounds the throughput. The stand-in,
the replicas, Chroma and PostgreSQL share this machine's CPUs, so the numbers are a lower bound.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from bench.load_bot import QUESTIONS, TOKEN, pct  # noqa: E402  (the same questions and percentile)
from standins.postgres import PgDatabases, pg_available  # noqa: E402
from standins.servers import ChromaServer, Replica, free_port  # noqa: E402
from standins.bot_api import SentMessage, TelegramStub  # noqa: E402

SECRET = "bench-webhook-secret_0123456789"
CHROMA_DIR = ROOT / ".bench" / "webhook-chroma"
STAFF_CHAT = -1009990001


def is_final(msg: SentMessage) -> bool:
    return any((b.get("callback_data") or "").startswith(("hp:", "fb:", "ps:")) for b in msg.buttons())


def ensure_index(chroma: ChromaServer, env: dict) -> int:
    import chromadb

    client = chromadb.HttpClient(host="127.0.0.1", port=chroma.port,
                                 settings=chromadb.config.Settings(anonymized_telemetry=False))
    try:
        n = client.get_collection("kepemiluan").count()
    except Exception:
        n = 0
    if n == 0:
        print("indexing the bundled corpus into the Chroma server (first run only; minutes) ...", file=sys.stderr)
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "bot.cli", "ingest", "--quiet"], cwd=ROOT, env=env, check=True)
        n = client.get_collection("kepemiluan").count()
        print(f"indexed {n} passages in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    return n


async def run(args) -> int:
    if not pg_available():
        print("PostgreSQL on 127.0.0.1:5432 is needed (pg_isready -h 127.0.0.1 || service postgresql start)",
              file=sys.stderr)
        return 2
    work = ROOT / ".bench" / f"webhook-run-{os.getpid()}"
    work.mkdir(parents=True, exist_ok=True)
    CHROMA_DIR.parent.mkdir(parents=True, exist_ok=True)
    chroma = ChromaServer(CHROMA_DIR)
    pg = PgDatabases()
    replicas: list[Replica] = []
    stub = TelegramStub(TOKEN)
    rc = 1
    try:
        t_setup = time.perf_counter()
        chroma.start()
        db_url = pg.create("kep_bench")
        base_env = {
            "KEPEMILUAN_TELEGRAM_TOKEN": TOKEN,
            "KEPEMILUAN_DATABASE_URL": db_url,
            "KEPEMILUAN_CHROMA_URL": chroma.url,
            "KEPEMILUAN_DATA_DIR": str(work),
            "KEPEMILUAN_PSEUDONYM_SALT": "garam-bench",
            "KEPEMILUAN_LOG_FORMAT": "json",
            "KEPEMILUAN_LOG_LEVEL": args.log_level,
            "KEPEMILUAN_RATE_LIMIT_PER_MINUTE": "100000",
            "KEPEMILUAN_TELEGRAM_FLOOD_LIMIT": str(args.flood_limit),
            "KEPEMILUAN_STAFF_CHAT_ID": str(STAFF_CHAT),
        }
        if args.dense_weight is not None:
            base_env["KEPEMILUAN_DENSE_WEIGHT"] = str(args.dense_weight)
        passages = ensure_index(chroma, {**os.environ, **base_env, "PYTHONPATH": str(ROOT)})
        await stub.start()
        env = {**base_env,
               "KEPEMILUAN_TELEGRAM_BASE_URL": stub.base_url,
               "KEPEMILUAN_TELEGRAM_BASE_FILE_URL": stub.base_file_url,
               "KEPEMILUAN_WEBHOOK_URL": "https://bot.contoh.go.id/tg/kait",
               "KEPEMILUAN_WEBHOOK_SECRET": SECRET}
        replicas = [Replica(f"r{i}", env, free_port(), work) for i in range(args.replicas)]
        for r in replicas:
            r.start()
        await asyncio.gather(*[r.wait_ready(300) for r in replicas])
        stub.deliver_by_webhook([f"{r.base}/tg/kait" for r in replicas], concurrency=args.connections)
        setup_s = time.perf_counter() - t_setup

        users = [200_000 + i for i in range(args.users)]
        for u in users:
            stub.user(u)
        answers: Counter[int] = Counter()
        waiting: dict[int, asyncio.Future] = {}

        def on_sent(msg: SentMessage) -> None:
            if is_final(msg):
                answers[msg.chat_id] += 1
                fut = waiting.pop(msg.chat_id, None)
                if fut is not None and not fut.done():
                    fut.set_result(time.perf_counter())

        stub.listeners.append(on_sent)
        latencies: list[float] = []
        loop = asyncio.get_running_loop()

        stub.group(STAFF_CHAT, "Meja Petugas")
        requesters = [300_000 + i for i in range(args.tickets)]
        for u in requesters:
            stub.user(u)
        asked_at: dict[int, float] = {}
        card_at: dict[int, float] = {}
        ack_at: dict[int, float] = {}

        def on_card(msg: SentMessage) -> None:
            if msg.chat_id >= 300_000 and "Nomor tiket Anda" in msg.text:
                ack_at.setdefault(msg.chat_id, time.perf_counter())
            found = re.search(r"\(warga (\d+)\)", msg.text) if msg.chat_id == STAFF_CHAT else None
            if found and msg.text.startswith("🎫 Tiket #"):
                card_at.setdefault(int(found.group(1)), time.perf_counter())

        stub.listeners.append(on_card)

        async def requester(i: int, uid: int) -> None:
            await asyncio.sleep(i * 0.02)  # spread over the first seconds of the load
            asked_at[uid] = time.perf_counter()
            await stub.send_text(uid, f"/petugas mohon dihubungi petugas soal DPT (warga {uid})")

        async def citizen(i: int, uid: int) -> None:
            for k in range(args.questions):
                fut = loop.create_future()
                waiting[uid] = fut
                sent_at = time.perf_counter()
                await stub.send_text(uid, QUESTIONS[(i + k) % len(QUESTIONS)])
                try:
                    latencies.append(await asyncio.wait_for(fut, timeout=args.question_timeout) - sent_at)
                except asyncio.TimeoutError:
                    waiting.pop(uid, None)

        load_before = os.getloadavg()
        started = time.perf_counter()
        try:
            await asyncio.wait_for(asyncio.gather(*(citizen(i, u) for i, u in enumerate(users)),
                                                  *(requester(i, u) for i, u in enumerate(requesters))), args.timeout)
        except (asyncio.TimeoutError, TimeoutError):
            print(f"!! stopped after {args.timeout}s", file=sys.stderr)
        elapsed = time.perf_counter() - started
        load_after = os.getloadavg()
        deadline = time.perf_counter() + args.ticket_timeout
        while len(card_at) < len(requesters) and time.perf_counter() < deadline:
            await asyncio.sleep(0.2)
        await asyncio.sleep(1.5)  # late duplicates would show up here

        total = args.users * args.questions
        answered = len(latencies)
        lost = total - answered
        dups = sum(max(0, answers[u] - args.questions) for u in users)
        api_errors = [c for c in stub.calls if c.status != 200]
        failed_deliveries = [d for d in stub.deliveries if d.status != 200]
        per_replica = Counter(d.target.split("/tg/")[0] for d in stub.deliveries if d.status == 200)
        async with httpx.AsyncClient(trust_env=False) as client:
            metrics = [(await client.get(f"{r.base}/metrics")).text for r in replicas]
        def metric(prefix: str) -> float:
            return sum(float(line.split()[-1]) for text in metrics for line in text.splitlines()
                       if line.startswith(prefix))

        temp_errors = metric("kepemiluan_temporary_errors_total{")
        handled = metric("kepemiluan_update_seconds_count")
        handle_ms = 1000 * metric("kepemiluan_update_seconds_sum") / handled if handled else float("nan")
        engine_ms = 1000 * metric("kepemiluan_answer_seconds_sum") / max(1.0, metric("kepemiluan_answer_seconds_count"))
        from bot.db import Conversation, Database

        db = Database(db_url)
        logged = await db.count(Conversation)
        await db.close()

        acks = Counter(u for u in requesters for x in stub.messages(u) if "Nomor tiket Anda" in x.text)
        cards = Counter(int(m.group(1)) for x in stub.messages(STAFF_CHAT) if x.text.startswith("🎫 Tiket #")
                        for m in [re.search(r"\(warga (\d+)\)", x.text)] if m)
        ticket_lost = sum(1 for u in requesters if not acks[u]) + sum(1 for u in requesters if not cards[u])
        ticket_dups = sum(max(0, n - 1) for n in acks.values()) + sum(max(0, n - 1) for n in cards.values())
        card_ms = [1000 * (card_at[u] - asked_at[u]) for u in requesters if u in card_at and u in asked_at]
        ack_ms = [1000 * (ack_at[u] - asked_at[u]) for u in requesters if u in ack_at and u in asked_at]
        cards_s = (max(card_at.values()) - min(asked_at.values())) if card_at and asked_at else float("nan")

        ms = [x * 1000 for x in latencies]
        print(f"setup               : {setup_s:.1f} s (Chroma server: {passages} passages)")
        print(f"replicas            : {args.replicas} x webhook (uvicorn), PostgreSQL, chroma run; "
              f"dense weight {args.dense_weight if args.dense_weight is not None else 'default (the query adapter: 0.2)'}")
        print(f"users x questions   : {args.users} x {args.questions} = {total} (closed loop, "
              f"{args.connections} webhook connections)")
        print(f"flood limit         : {'off' if not args.flood_limit else f'{args.flood_limit:g} msg/s per replica'}")
        print(f"elapsed             : {elapsed:.2f} s")
        print(f"throughput          : {answered / elapsed:.1f} questions/s")
        print(f"latency p50 / p95   : {pct(ms, 50):.0f} / {pct(ms, 95):.0f} ms")
        print(f"latency p99 / max   : {pct(ms, 99):.0f} / {max(ms, default=float('nan')):.0f} ms")
        print(f"mean                : {statistics.fmean(ms) if ms else float('nan'):.0f} ms")
        print(f"in the replicas     : {handle_ms:.0f} ms per update (received -> replies sent), "
              f"engine {engine_ms:.1f} ms per question (/metrics means)")
        print(f"answered            : {answered}")
        print(f"lost                : {lost}")
        print(f"duplicated          : {dups}")
        print(f"logged rows (PG)    : {logged}")
        if requesters:
            print(f"tickets (/petugas)  : {len(requesters)} requested, {sum(1 for u in requesters if acks[u])} "
                  f"acknowledged, {sum(1 for u in requesters if cards[u])} cards; lost {ticket_lost}, "
                  f"duplicated {ticket_dups}")
            print(f"ticket latency      : acknowledgement p50 / p95 {pct(ack_ms, 50):.0f} / {pct(ack_ms, 95):.0f} ms; "
                  f"card p50 / p95 {pct(card_ms, 50) / 1000:.1f} / {pct(card_ms, 95) / 1000:.1f} s; "
                  f"all cards in {cards_s:.1f} s (Telegram: ~20 messages a minute into one group, "
                  f"per replica here)")
        print(f"per replica         : {', '.join(f'{n}' for _, n in sorted(per_replica.items()))} updates")
        print(f"errors              : {len(api_errors)} Bot API, {len(failed_deliveries)} webhook deliveries, "
              f"{temp_errors:g} temporary-error replies")
        print(f"load average        : {load_before[0]:.1f} before, {load_after[0]:.1f} after (2 CPUs)")
        rc = 0 if lost == 0 and dups == 0 and ticket_lost == 0 and ticket_dups == 0 else 1
    finally:
        for r in replicas:
            r.stop()
        await stub.stop()
        chroma.stop()
        pg.drop_all()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return rc


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--users", type=int, default=200)
    ap.add_argument("--questions", type=int, default=3)
    ap.add_argument("--replicas", type=int, default=2)
    ap.add_argument("--connections", type=int, default=40, help="parallel webhook deliveries (Telegram: max_connections)")
    ap.add_argument("--dense-weight", type=float, default=None)
    ap.add_argument("--tickets", type=int, default=0, help="citizens sending /petugas during the load")
    ap.add_argument("--ticket-timeout", type=float, default=240.0, help="wait this long for every card")
    ap.add_argument("--flood-limit", type=float, default=0,
                    help="outgoing msgs/s per replica (0 = off, as in load_bot.py: the stand-in is not Telegram)")
    ap.add_argument("--log-level", default="INFO")
    ap.add_argument("--question-timeout", type=float, default=60.0)
    ap.add_argument("--timeout", type=float, default=300.0, help="stop the whole run after this many seconds")
    ap.add_argument("--keep", action="store_true", help="keep the replicas' logs in .bench/")
    return asyncio.run(run(ap.parse_args()))


if __name__ == "__main__":
    raise SystemExit(main())
