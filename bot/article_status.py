"""Admin-recorded article effects (issue 11): `/status uu-10-2016 pasal 40 ayat 1 dimaknai oleh putusan-mk-60-2024`.

For a ruling or law whose text is not in the corpus (or that the parser cannot read), an admin
records the effect on one article by command. It is kept in `source_status` under the article's
target key ("uu-10-2016:pasal-40/ayat-1", never a plain doc id), audit-logged, shown in /sumber,
and applied to the engine as part of every snapshot (`Engine.set_article_effects`), so it
survives re-ingestion of either document. `berlaku` clears the record.
"""
from __future__ import annotations

import re

from knowledge.effects import COURT_KINDS, DICABUT, DIHAPUS, DIUBAH, Effect, Target

KINDS = COURT_KINDS + (DIUBAH, DIHAPUS, DICABUT)
CLEAR = "berlaku"
_ARGS = re.compile(
    r"^(?P<doc>[a-z0-9-]+)\s+pasal\s+(?P<pasal>\d+[A-Za-z]?)(?:\s+ayat\s+\(?(?P<ayat>\d+[a-z]?)\)?)?"
    r"(?:\s+huruf\s+(?P<huruf>[a-z]))?\s+(?P<kind>[a-z]+)(?:\s+oleh\s+(?P<by>[a-z0-9-]+))?\s*$", re.I)

USAGE = ("Cara pakai untuk satu pasal: <code>/status &lt;id_dokumen&gt; pasal N [ayat M] [huruf x] "
         "dimaknai|dibatalkan|ditolak|diubah|dihapus|dicabut oleh &lt;id_sumber&gt;</code> atau "
         "<code>… pasal N [ayat M] berlaku</code> untuk menghapus catatan.\n"
         "Contoh: <code>/status uu-10-2016 pasal 40 ayat 1 dimaknai oleh putusan-mk-60-2024</code>")


def is_article_command(args: list[str]) -> bool:
    return len(args) >= 3 and args[1].lower() == "pasal"


def parse(args: list[str]) -> tuple[Target, str, str | None] | str:
    """(target, kind, by) or an Indonesian error message."""
    m = _ARGS.match(" ".join(args))
    if not m:
        return USAGE
    kind = m["kind"].lower()
    if kind not in KINDS + (CLEAR,):
        return f"Efek «{kind}» tidak dikenal. Pilih: " + ", ".join(KINDS + (CLEAR,)) + "."
    by = m["by"]
    if kind != CLEAR and not by:
        return "Sebutkan sumbernya: «… " + kind + " oleh &lt;id_dokumen&gt;»."
    pasal = m["pasal"].upper() if m["pasal"][-1].isalpha() else m["pasal"]
    return Target(m["doc"].lower(), pasal, m["ayat"], m["huruf"]), kind, (by.lower() if by else None)


def is_article_key(key: str) -> bool:
    return ":" in key


def effects_from_rows(rows: dict[str, tuple[str, str | None]]) -> list[Effect]:
    """source_status rows keyed by an article target -> admin effects."""
    out = []
    for key, (kind, by) in sorted(rows.items()):
        t = Target.parse(key)
        if t is not None and t.pasal and kind in KINDS and by:
            out.append(Effect(kind, t, by, origin="admin"))
    return out


def describe(e: Effect) -> str:
    return f"{e.target.format()} {e.kind} oleh {e.by}"
