"""Load test: N simulated citizens × M questions through the Telegram stand-in.

The real Application (bot.app.build_application) long-polls the stand-in
(tests/telegram_stub.py) over HTTP on 127.0.0.1, exactly as in the tests. Each simulated
user asks a question, waits for the answer, then asks the next one (closed loop), all
users at once. Measured from the moment the update is queued at the stand-in to the
moment the final part of the answer (the one with the buttons) reaches it.

    .venv/bin/python bench/load_bot.py            # real engine (lexical, bundled corpus) if available
    .venv/bin/python bench/load_bot.py --fake     # the engine over one small document
    .venv/bin/python bench/load_bot.py --flood-limit 30   # with Telegram's ~30 msg/s cap
    .venv/bin/python bench/load_bot.py --rate 50          # open loop: latency at 50 questions/s

Stand-in and bot share one process and event loop (2 CPUs here), so the numbers are a
lower bound for the bot alone. By default outgoing flood control is off (--flood-limit 0):
the stand-in is not Telegram, and with the production cap of ~30 messages/s the
throughput is bounded by Telegram, not by the bot.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pydantic import SecretStr  # noqa: E402

from bot.app import build_application, start_application, stop_application  # noqa: E402
from bot.db import Conversation, Database  # noqa: E402
from bot.settings import Settings  # noqa: E402
from standins.bot_api import SentMessage, TelegramStub  # noqa: E402

TOKEN = "123456789:AAHbenchTOKENnotREAL_0123456789abcd"
QUESTIONS = [
    "Apa syarat pendidikan calon bupati?",
    "Berapa umur minimal untuk memilih dalam pemilu?",
    "Apa sanksi politik uang dalam pilkada?",
    "Kapan masa kampanye pilkada dimulai?",
    "Siapa yang berwenang mengawasi pemilu?",
    "Apa syarat partai politik mengusulkan pasangan calon?",
    "Bagaimana cara mengajukan sengketa hasil pilkada ke Mahkamah Konstitusi?",
    "Apa tugas panitia pengawas kecamatan?",
]


def load_engine(fake: bool):
    """The real engine over the bundled corpus; `fake`: the same engine over one small document,
    so that the bot's own overhead dominates (no test code is imported)."""
    from ingest.pipeline import default_sources, prepare_path
    from knowledge.engine import Engine

    sources = default_sources()
    if fake:
        path, info = min(sources[:10], key=lambda s: s[0].stat().st_size)
        passages = prepare_path(path, info)[2]
        return Engine(passages), f"knowledge.engine.Engine, lexical only, one small document ({len(passages)} passages)"
    passages = []
    for path, info in sources:
        passages += prepare_path(path, info)[2]
    return Engine(passages), f"knowledge.engine.Engine, lexical only, bundled corpus ({len(passages)} passages)"


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = min(len(values) - 1, max(0, round(p / 100 * (len(values) - 1))))
    return values[k]


async def run(args) -> int:
    t_setup = time.perf_counter()
    engine, engine_name = load_engine(args.fake)
    tmp = Path(tempfile.mkdtemp(prefix="kepemiluan-bench-"))
    stub = await TelegramStub(TOKEN).start()
    settings = Settings(
        _env_file=None,
        telegram_token=SecretStr(TOKEN),
        telegram_base_url=stub.base_url,
        telegram_base_file_url=stub.base_file_url,
        data_dir=tmp,
        rate_limit_per_minute=max(10, args.questions),
    )
    db = Database(settings.db_url)
    app = build_application(
        settings, engine, db=db, flood_limit=args.flood_limit, connection_pool_size=args.pool
    )
    await start_application(app, poll_timeout=1.0)
    setup_s = time.perf_counter() - t_setup

    users = [100_000 + i for i in range(args.users)]
    for uid in users:
        stub.user(uid)
    answers: Counter[int] = Counter()
    waiting: dict[int, asyncio.Future] = {}

    def on_sent(msg: SentMessage) -> None:
        if any((b.get("callback_data") or "").startswith("hp:") for b in msg.buttons()):
            answers[msg.chat_id] += 1
            fut = waiting.pop(msg.chat_id, None)
            if fut is not None and not fut.done():
                fut.set_result(time.perf_counter())

    stub.listeners.append(on_sent)
    latencies: list[float] = []
    lost = 0
    loop = asyncio.get_running_loop()

    async def citizen(i: int, uid: int) -> None:
        nonlocal lost
        for k in range(args.questions):
            fut = loop.create_future()
            waiting[uid] = fut
            sent_at = time.perf_counter()
            await stub.send_text(uid, QUESTIONS[(i + k) % len(QUESTIONS)])
            try:
                done_at = await asyncio.wait_for(fut, timeout=args.question_timeout)
            except asyncio.TimeoutError:
                lost += 1
                waiting.pop(uid, None)
                continue
            latencies.append(done_at - sent_at)

    pending: dict[int, list[float]] = {u: [] for u in users}  # open loop: send times per chat

    def on_sent_open(msg: SentMessage) -> None:
        if pending.get(msg.chat_id) and any((b.get("callback_data") or "").startswith("hp:") for b in msg.buttons()):
            latencies.append(time.perf_counter() - pending[msg.chat_id].pop(0))

    async def open_loop() -> None:
        """Questions arrive at a fixed rate, whatever the answers do (latency at a given load)."""
        t0 = time.perf_counter()
        total = args.users * args.questions
        for n in range(total):
            delay = t0 + n / args.rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            uid = users[n % len(users)]
            pending[uid].append(time.perf_counter())
            await stub.send_text(uid, QUESTIONS[(n // len(users) + n) % len(QUESTIONS)])
        await stub.wait_for(lambda: len(latencies) >= total, args.question_timeout, "all answers")

    if args.rate:
        stub.listeners.append(on_sent_open)
    started = time.perf_counter()
    try:
        work = open_loop() if args.rate else asyncio.gather(*(citizen(i, u) for i, u in enumerate(users)))
        await asyncio.wait_for(work, timeout=args.timeout)
    except (asyncio.TimeoutError, TimeoutError):
        print(f"!! stopped after {args.timeout}s", file=sys.stderr)
    elapsed = time.perf_counter() - started
    await asyncio.sleep(1.0)  # late duplicates would show up here
    expected = args.questions
    dups = sum(max(0, answers[u] - expected) for u in users)
    total_questions = args.users * args.questions
    answered = len(latencies)
    lost = max(0, total_questions - answered)  # includes questions never sent after a global timeout
    logged = await db.count(Conversation)
    errors = [c for c in stub.calls if c.status != 200]
    await stop_application(app)
    await stub.stop()

    ms = [x * 1000 for x in latencies]
    print(f"engine            : {engine_name}")
    print(f"users x questions : {args.users} x {args.questions} = {total_questions}")
    print(f"load              : {f'open loop, {args.rate:g} questions/s offered' if args.rate else 'closed loop (each user waits for its answer)'}")
    print(f"flood limit       : {'off' if not args.flood_limit else f'{args.flood_limit:g} msg/s'}")
    print(f"HTTP pool         : {args.pool} connections")
    print(f"setup             : {setup_s:.1f} s")
    print(f"elapsed           : {elapsed:.2f} s")
    print(f"throughput        : {answered / elapsed:.1f} questions/s")
    print(f"latency p50       : {pct(ms, 50):.0f} ms")
    print(f"latency p95       : {pct(ms, 95):.0f} ms")
    print(f"latency p99 / max : {pct(ms, 99):.0f} / {max(ms, default=float('nan')):.0f} ms")
    print(f"mean              : {statistics.fmean(ms) if ms else float('nan'):.0f} ms")
    print(f"answered          : {answered}")
    print(f"lost              : {lost}")
    print(f"duplicated        : {dups}")
    print(f"logged rows       : {logged}")
    print(f"API errors        : {len(errors)}  (HTTP calls to the stand-in: {stub.request_count})")
    return 0 if lost == 0 and dups == 0 else 1


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fake", action="store_true", help="the engine over one small document (the bot's overhead dominates)")
    ap.add_argument("--users", type=int, default=200)
    ap.add_argument("--questions", type=int, default=5)
    ap.add_argument("--flood-limit", type=float, default=0, help="outgoing msgs/s (0 = off; Telegram: ~30)")
    ap.add_argument("--rate", type=float, default=0, help="open loop: offer this many questions/s (0 = closed loop)")
    ap.add_argument("--pool", type=int, default=16, help="HTTP connections to the Bot API")
    ap.add_argument("--question-timeout", type=float, default=60.0)
    ap.add_argument("--timeout", type=float, default=100.0, help="stop the whole run after this many seconds")
    args = ap.parse_args()
    return asyncio.run(run(args))


if __name__ == "__main__":
    raise SystemExit(main())
