"""KPU and Bawaslu regulations (PKPU, Perbawaslu): their repeal clauses.

"Pada saat Peraturan Komisi ini mulai berlaku, Peraturan Komisi Pemilihan Umum Nomor 3 Tahun 2022
tentang … (Berita Negara …), dicabut dan dinyatakan tidak berlaku." The passage holding the clause
carries the effect (`effect="dicabut"`, `target` = the repealed regulations' doc ids), so the
catalog marks an earlier regulation `dicabut` as long as both are in the index, and an effect on
a regulation not ingested yet waits until it arrives (knowledge/effects.py).
"""
from __future__ import annotations

import dataclasses
import re

from knowledge.model import PERBAWASLU, PKPU, Passage

_CLAUSE = re.compile(
    r"Pada\s+saat\s+Peraturan\s+(?:Komisi|Badan|KPU|Bawaslu)\b.{0,120}?\bini\s+mulai\s+berlaku\s*,?\s*(.{0,2500}?)"
    r"\s*,?\s*dicabut\s+dan\s+dinyatakan\s+tidak\s+berlaku", re.S | re.I)
_REG = re.compile(r"Peraturan\s+(Komisi\s+Pemilihan\s+Umum|Badan\s+Pengawas\s+Pemilihan\s+Umum|KPU|Bawaslu)"
                  r"\s+(?:Republik\s+Indonesia\s+)?Nomor\s+(\d+)\s+Tahun\s+(\d{4})", re.I)


def _prefix(kind: str) -> str:
    k = " ".join(kind.lower().split())
    return "pkpu" if k in ("komisi pemilihan umum", "kpu") else "perbawaslu"


def repealed_by_clause(text: str) -> list[str]:
    """Doc ids a repeal clause names ("pkpu-3-2022"), in order, without duplicates."""
    out: list[str] = []
    for m in _CLAUSE.finditer(text):
        for r in _REG.finditer(m.group(1)):
            d = f"{_prefix(r.group(1))}-{r.group(2)}-{r.group(3)}"
            if d not in out:
                out.append(d)
    return out


def mark_repeals(passages: list[Passage]) -> list[Passage]:
    """Set the repeal effect on the passage(s) of a PKPU / Perbawaslu that hold a repeal clause."""
    out = []
    for p in passages:
        if p.doc_type in (PKPU, PERBAWASLU) and not p.effect:
            targets = [d for d in repealed_by_clause(p.text) if d != p.doc_id]
            if targets:
                p = dataclasses.replace(p, effect="dicabut", target=",".join(targets))
        out.append(p)
    return out
