"""Server-side SVG charts for the dashboard (no JavaScript, no CDN). Every text is escaped."""
from __future__ import annotations

from html import escape

COLORS = {"answer": "#2e7d32", "abstain": "#f9a825", "escalate": "#c62828", "up": "#1565c0", "down": "#ad1457"}
LABELS = {"answer": "dijawab", "abstain": "tidak dijawab", "escalate": "diteruskan ke petugas",
          "up": "👍", "down": "👎"}


def _frame(width: int, height: int, body: list[str], title: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
            f'aria-label="{escape(title)}" class="chart"><title>{escape(title)}</title>{"".join(body)}</svg>')


def _legend(keys: list[str], y: int) -> list[str]:
    out, x = [], 40
    for k in keys:
        out.append(f'<rect x="{x}" y="{y}" width="10" height="10" fill="{COLORS[k]}"/>'
                   f'<text x="{x + 14}" y="{y + 9}" font-size="11">{escape(LABELS[k])}</text>')
        x += 24 + 7 * len(LABELS[k])
    return out


def decisions_chart(days, *, width: int = 640, height: int = 220) -> str:
    """Questions per day, stacked by the bot's decision."""
    keys = ["answer", "abstain", "escalate"]
    top = max([sum(d.counts.values()) for d in days] + [1])
    plot_h, left, bottom = height - 60, 40, height - 40
    step = (width - left - 10) / max(1, len(days))
    body = [f'<line x1="{left}" y1="{bottom}" x2="{width - 10}" y2="{bottom}" stroke="#999"/>',
            f'<text x="4" y="{bottom - plot_h + 4}" font-size="10">{top}</text>',
            f'<text x="4" y="{bottom}" font-size="10">0</text>']
    for i, d in enumerate(days):
        y = bottom
        x = left + i * step + step * 0.15
        for k in keys:
            h = plot_h * d.counts.get(k, 0) / top
            if h:
                y -= h
                body.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{step * 0.7:.1f}" height="{h:.1f}" '
                            f'fill="{COLORS[k]}"><title>{escape(d.date)}: {d.counts.get(k, 0)} '
                            f'{escape(LABELS[k])}</title></rect>')
        if len(days) <= 16 or i % 2 == 0:
            body.append(f'<text x="{x:.1f}" y="{bottom + 12}" font-size="9">{escape(d.date[5:])}</text>')
    body += _legend(keys, height - 16)
    return _frame(width, height, body, "Pertanyaan per hari menurut keputusan bot")


def feedback_chart(days, *, width: int = 640, height: int = 160) -> str:
    """The share of 👍 among the day's ratings (bars), with the count of ratings."""
    left, bottom, plot_h = 40, height - 40, height - 60
    step = (width - left - 10) / max(1, len(days))
    body = [f'<line x1="{left}" y1="{bottom}" x2="{width - 10}" y2="{bottom}" stroke="#999"/>',
            f'<text x="4" y="{bottom - plot_h + 4}" font-size="10">100%</text>',
            f'<text x="4" y="{bottom}" font-size="10">0%</text>']
    for i, d in enumerate(days):
        rated = d.up + d.down
        if not rated:
            continue
        x = left + i * step + step * 0.15
        h_up = plot_h * d.up / rated
        body.append(f'<rect x="{x:.1f}" y="{bottom - plot_h:.1f}" width="{step * 0.7:.1f}" height="{plot_h - h_up:.1f}" '
                    f'fill="{COLORS["down"]}"><title>{escape(d.date)}: {d.down} 👎</title></rect>')
        body.append(f'<rect x="{x:.1f}" y="{bottom - h_up:.1f}" width="{step * 0.7:.1f}" height="{h_up:.1f}" '
                    f'fill="{COLORS["up"]}"><title>{escape(d.date)}: {d.up} 👍 dari {rated}</title></rect>')
    body += _legend(["up", "down"], height - 16)
    return _frame(width, height, body, "Bagian 👍 dan 👎 per hari")


def bars(rows: list[tuple[str, int]], *, width: int = 640, row_h: int = 24) -> str:
    """Horizontal bars (open tickets by age)."""
    top = max([n for _, n in rows] + [1])
    height = row_h * len(rows) + 10
    body = []
    for i, (label, n) in enumerate(rows):
        y = 5 + i * row_h
        w = (width - 180) * n / top
        body.append(f'<text x="0" y="{y + 15}" font-size="12">{escape(label)}</text>'
                    f'<rect x="90" y="{y + 3}" width="{w:.1f}" height="{row_h - 8}" fill="#455a64"/>'
                    f'<text x="{96 + w:.1f}" y="{y + 15}" font-size="12">{n}</text>')
    return _frame(width, height, body, "Tiket terbuka menurut umur")
