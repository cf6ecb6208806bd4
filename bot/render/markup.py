"""Telegram HTML primitives: everything from outside goes through `esc`; the only tags are ours."""
from __future__ import annotations

import html


def esc(text: object) -> str:
    """Escape text for Telegram HTML (&, <, >)."""
    return html.escape(str(text), quote=False)


def esc_attr(text: object) -> str:
    return html.escape(str(text), quote=True)


def safe_url(url: str | None) -> bool:
    return bool(url) and url.startswith(("https://", "http://")) and not any(c.isspace() for c in url)


def link(label: str, url: str | None) -> str:
    if safe_url(url):
        return f'<a href="{esc_attr(url)}">{esc(label)}</a>'
    return esc(label)
