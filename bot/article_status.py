"""Admin-recorded article effects (issue 11): `/status uu-10-2016 pasal 40 ayat 1 dimaknai oleh putusan-mk-60-2024`.

For a ruling or law whose text is not in the corpus (or that the parser cannot read), an admin
records the effect on one article. The record lives in `source_status` (bot.audit) under the
article's target key ("uu-10-2016:pasal-40/ayat-1", never a plain doc id), is audit-logged, shown
in /sumber, and applied to the engine as part of every snapshot (`Engine.set_article_effects`),
so it survives re-ingestion of either document. `berlaku` clears it. The use case is
`KnowledgeBase.set_article_effect`; this module only reads the command and the stored rows.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.effects import COURT_KINDS, DICABUT, DIHAPUS, DIUBAH, Effect, Target

from .texts import admin as am

KINDS = COURT_KINDS + (DIUBAH, DIHAPUS, DICABUT)
CLEAR = "berlaku"
_ARGS = re.compile(
    r"^(?P<doc>[a-z0-9-]+)\s+pasal\s+(?P<pasal>\d+[A-Za-z]?)(?:\s+ayat\s+\(?(?P<ayat>\d+[a-z]?)\)?)?"
    r"(?:\s+huruf\s+(?P<huruf>[a-z]))?\s+(?P<kind>[a-z]+)(?:\s+oleh\s+(?P<by>[a-z0-9-]+))?\s*$", re.I)


@dataclass(frozen=True)
class ArticleCommand:
    target: Target
    kind: str  # one of KINDS, or CLEAR
    by: str | None


def is_article_command(args: list[str]) -> bool:
    """`/status <doc> pasal …` (a document-level /status has no "pasal")."""
    return len(args) >= 3 and args[1].lower() == "pasal"


def parse(args: list[str]) -> ArticleCommand | str:
    """The command, or an Indonesian error message (Telegram HTML)."""
    m = _ARGS.match(" ".join(args))
    if not m:
        return am.ARTICLE_STATUS_USAGE
    kind = m["kind"].lower()
    if kind not in KINDS + (CLEAR,):
        return am.ARTICLE_STATUS_BAD.format(kind=kind, kinds=", ".join(KINDS + (CLEAR,)))
    by = m["by"].lower() if m["by"] else None
    if kind != CLEAR and not by:
        return am.ARTICLE_STATUS_NEEDS_BY.format(kind=kind)
    pasal = m["pasal"].upper()
    return ArticleCommand(Target(m["doc"].lower(), pasal, m["ayat"], m["huruf"]), kind, by)


def is_article_key(key: str) -> bool:
    return ":" in key


def effects_from_rows(rows: dict[str, tuple[str, str | None]]) -> list[Effect]:
    """source_status rows keyed by an article target -> admin effects (a cleared row is skipped)."""
    out = []
    for key, (kind, by) in sorted(rows.items()):
        t = Target.parse(key) if is_article_key(key) else None
        if t is not None and t.pasal and kind in KINDS and by:
            out.append(Effect(kind, t, by, origin="admin"))
    return out


def describe(e: Effect) -> str:
    return f"{e.target.format()} {e.kind} oleh {e.by}"
