"""The staff console's inbox under a campaign-week load: 1,000 tickets (with transcripts) seeded
into SQLite and PostgreSQL, then the inbox list and the search timed through the console's own
ASGI app (routing, session check, the query, Jinja2 rendering), p50 / p95 over repeated requests.

Baseline, in the same run: the bare query of the same page (`Inbox.tickets`, no HTTP, no HTML),
so the ratio says what the web layer costs on top of the data access.

    .venv/bin/python bench/console.py [--tickets 1000] [--runs 60] [--json out.json]

PostgreSQL: a scratch database on the local server (KEPEMILUAN_TEST_POSTGRES_URL, default
postgres@127.0.0.1:5432), dropped afterwards; skipped when no server answers. Target (issue 14):
list and search each ≤ 300 ms p95 on both.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.application.console import Console as ConsoleServices  # noqa: E402
from bot.application.console import Filters  # noqa: E402
from bot.audit import AdminLog  # noqa: E402
from bot.console.app import COOKIE, Console  # noqa: E402
from bot.db import Database, utcnow  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.tickets import DIAMBIL, DIJAWAB, DITUTUP, BARU, KINDS, PETUGAS, WARGA, Ticket, TicketMessage  # noqa: E402

TARGET_MS = 300.0
TOPICS = ["DPT", "politik uang", "pindah TPS", "formulir C6", "kampanye di media sosial", "netralitas ASN",
          "syarat calon", "dana kampanye", "surat suara rusak", "saksi di TPS", "e-KTP", "pemungutan suara ulang"]
FRAMES = ["Bagaimana jika {t} di desa kami?", "Saya mau lapor soal {t}, kejadiannya kemarin sore.",
          "Tolong jelaskan aturan tentang {t} untuk pilkada.", "Ini kasus saya: {t}, harus ke mana?",
          "Apakah {t} termasuk pelanggaran? Mohon dibantu petugas."]


async def seed(db: Database, n: int) -> None:
    rnd = random.Random(14)
    now = utcnow()
    async with db.sessions.begin() as s:
        for i in range(n):
            created = now - timedelta(minutes=rnd.randint(1, 14 * 24 * 60))
            status = rnd.choices([BARU, DIAMBIL, DIJAWAB, DITUTUP], [3, 2, 3, 4])[0]
            staff = rnd.choice([(2001, "Sari"), (2002, "Budi"), (2003, "Wati")]) if status != BARU else (None, None)
            q = rnd.choice(FRAMES).format(t=rnd.choice(TOPICS)) + f" (nomor uji {i})"
            t = Ticket(created_at=created, updated_at=created, kind=rnd.choice(KINDS), status=status,
                       chat_id=10_000 + i, chat_type="private", user_pseudonym=f"{rnd.getrandbits(128):032x}" * 2,
                       origin=f"bench:{i}", question=q, draft_answer="Draf jawaban bot. " * 8, sources=[],
                       confidence=0.3, reason="own_case", report={}, assignee_id=staff[0], assignee_name=staff[1])
            s.add(t)
            await s.flush()
            s.add(TicketMessage(ticket_id=t.id, at=created, author=WARGA, text=q))
            if status in (DIJAWAB, DITUTUP):
                s.add(TicketMessage(ticket_id=t.id, at=created + timedelta(minutes=rnd.randint(5, 600)),
                                    author=PETUGAS, text="Silakan datang ke PPS terdekat dengan membawa e-KTP. " * 3))


def pct(values: list[float], q: float) -> float:
    v = sorted(values)
    return v[min(len(v) - 1, int(round(q * (len(v) - 1))))]


async def measure(url: str, tickets: int, runs: int) -> dict:
    import httpx
    from starlette.applications import Starlette

    db = Database(url)
    await db.migrate()
    t0 = time.perf_counter()
    await seed(db, tickets)
    seed_s = time.perf_counter() - t0
    services = ConsoleServices.build(db)
    svc = SimpleNamespace(console=services, settings=Settings(_env_file=None), admin_log=AdminLog(db))
    app = Starlette(routes=Console(svc, None).routes())
    session, _ = await services.auth.redeem(await services.auth.issue_login(2001, "Sari", ["staff"]))
    cases = {
        "list": ("/konsol/?status=", Filters(status="")),
        "list-open": ("/konsol/", Filters()),
        "search": ("/konsol/?status=&cari=politik+uang", Filters(status="", q="politik uang")),
        "search-transcript": ("/konsol/?status=&cari=e-ktp", Filters(status="", q="e-ktp")),
    }
    out: dict = {"seed_s": round(seed_s, 2)}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench",
                                 cookies={COOKIE: session}) as client:
        for name, (path, f) in cases.items():
            r = await client.get(path)
            assert r.status_code == 200 and "tiket cocok" in r.text, (name, r.status_code)
            page, bare = [], []
            for _ in range(runs):
                t = time.perf_counter()
                r = await client.get(path)
                page.append((time.perf_counter() - t) * 1000)
                t = time.perf_counter()
                await services.inbox.tickets(f, user_id=2001)
                bare.append((time.perf_counter() - t) * 1000)
            rows, total = await services.inbox.tickets(f, user_id=2001)
            out[name] = {"matches": total, "page_rows": len(rows), "html_kb": round(len(r.content) / 1024, 1),
                         "p50_ms": round(statistics.median(page), 1), "p95_ms": round(pct(page, 0.95), 1),
                         "bare_query_p95_ms": round(pct(bare, 0.95), 1),
                         "ratio_vs_bare_query": round(pct(page, 0.95) / max(pct(bare, 0.95), 1e-6), 2),
                         "ok": pct(page, 0.95) <= TARGET_MS}
    await db.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tickets", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=60)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    results: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        results["sqlite"] = asyncio.run(measure(f"sqlite+aiosqlite:///{tmp}/bench.sqlite3", args.tickets, args.runs))
    from standins.postgres import PgDatabases, pg_available

    if pg_available():
        pg = PgDatabases()
        try:
            results["postgresql"] = asyncio.run(measure(pg.create("kep_console_bench"), args.tickets, args.runs))
        finally:
            pg.drop_all()
    else:
        print("PostgreSQL not reachable on 127.0.0.1:5432: skipped", file=sys.stderr)
    print(f"console inbox, {args.tickets} tickets, {args.runs} requests per case (target p95 ≤ {TARGET_MS:.0f} ms)")
    print(f"{'store':<11} {'case':<18} {'matches':>7} {'p50 ms':>8} {'p95 ms':>8} {'bare p95':>9} {'ratio':>6}  ok")
    for store, r in results.items():
        for case, m in r.items():
            if isinstance(m, dict):
                print(f"{store:<11} {case:<18} {m['matches']:>7} {m['p50_ms']:>8} {m['p95_ms']:>8} "
                      f"{m['bare_query_p95_ms']:>9} {m['ratio_vs_bare_query']:>6}  {'✓' if m['ok'] else '✗'}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    if not all(m["ok"] for r in results.values() for m in r.values() if isinstance(m, dict)):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
