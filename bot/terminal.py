"""A terminal chat on the same engine, for trying the bot without a Telegram token."""
from __future__ import annotations

from rich.console import Console

# In the terminal nobody is on the other side: say so, since the engine's escalation text speaks
# of staff (the Telegram bot does file a staff request for it).
TERMINAL_NO_STAFF = (
    "(Mode terminal: pesan ini tidak terkirim ke petugas mana pun. Untuk menghubungi petugas, "
    "gunakan bot Telegram dan ketik /petugas, atau hubungi kantor Bawaslu terdekat.)"
)


def chat(engine, console: Console | None = None, input_fn=input) -> None:
    from knowledge.engine import QuestionError

    from .render import render_plain

    console = console or Console()
    console.print("[bold]Konsultasi Hukum Kepemiluan[/] — mode terminal (KEPEMILUAN_TELEGRAM_TOKEN belum diisi).")
    console.print("Tulis pertanyaan Anda tentang hukum pemilu/pilkada. Ketik 'keluar' untuk selesai.\n")
    while True:
        try:
            q = input_fn("Anda> ")
        except (EOFError, KeyboardInterrupt):
            console.print("\nSampai jumpa.")
            return
        if q.strip().lower() in ("keluar", "exit", "quit", "/keluar"):
            console.print("Sampai jumpa.")
            return
        try:
            ans = engine.answer(q)
        except QuestionError as e:
            console.print(f"[yellow]{e}[/]\n")
            continue
        console.print(f"[dim]({ans.decision.value}, keyakinan {ans.confidence:.2f}, {ans.latency_ms:.0f} ms)[/]")
        console.print(render_plain(ans), markup=False, highlight=False)
        if ans.decision.value == "escalate":
            console.print(TERMINAL_NO_STAFF, markup=False, highlight=False)
        console.print()
