"""Citations rendered from passage metadata (never parsed back out of text).

`label` is the one citation format of the project: the answer's quotes and sources, the full
article view and the staff desk all show what it returns.
"""
from __future__ import annotations

import dataclasses

from .model import (BERITA, BERLAKU, DICABUT, DIUBAH, JAWABAN_PETUGAS, KIND_AMAR, KIND_PENJELASAN, KIND_PERTIMBANGAN,
                    PUTUSAN_MK, UUD, Citation, Passage)

_TYPE_ABBR = {"UU": "UU", "Perppu": "Perppu", "PKPU": "PKPU", "Perbawaslu": "Perbawaslu", UUD: "UUD"}
_ID_ABBR = {"uu": "UU", "perppu": "Perppu", "pkpu": "PKPU", "perbawaslu": "Perbawaslu"}
STATUS_WORD = {BERLAKU: "berlaku", DIUBAH: "diubah", DICABUT: "dicabut"}


def doc_label(p: Passage) -> str:
    """'UU No. 10 Tahun 2016', 'UUD 1945', 'PKPU No. 8 Tahun 2024'."""
    if p.doc_type == UUD:
        return f"UUD {p.year or 1945}"
    if p.doc_type == PUTUSAN_MK and p.number:
        return f"Putusan MK Nomor {p.number}"
    if p.doc_type in _TYPE_ABBR and p.number:
        return f"{_TYPE_ABBR[p.doc_type]} No. {p.number} Tahun {p.year}"
    return p.title


def short_label(doc_id: str) -> str:
    """'uu-10-2016' -> 'UU No. 10 Tahun 2016' (for notes about other documents)."""
    parts = doc_id.split("-")
    if len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit():
        return f"{_ID_ABBR.get(parts[0], parts[0].upper())} No. {parts[1]} Tahun {parts[2]}"
    if doc_id.startswith("uud"):
        return "UUD 1945"
    if doc_id.startswith("putusan-mk-"):  # "putusan-mk-60-2024": the id does not hold the full number
        num, _, year = doc_id[len("putusan-mk-"):].partition("-")
        return f"Putusan MK Nomor {num} Tahun {year}" if num.isdigit() and year.isdigit() else doc_id
    return doc_id


def location(p: Passage) -> str:
    """'Pasal 7 ayat (2) huruf a-k'."""
    if not p.pasal:
        return ""
    out = f"Pasal {p.pasal}"
    if p.ayat:
        if "-" in p.ayat:
            a, b = p.ayat.split("-", 1)
            if a.isdigit() and b.isdigit() and int(a) > int(b):
                return out  # a scan that numbers its ayat wrongly ("6-1"): no range we can name
            out += f" ayat ({a}) s.d. ({b})"
        else:
            out += f" ayat ({p.ayat})"
    if p.point:
        out += f" {p.point}"
    return out


def label(p: Passage) -> str:
    """The citation label of a passage (or of a span of it: pass a copy with ayat / point narrowed)."""
    if p.doc_type == BERITA:
        when = f", {p.date}" if p.date else ""
        return f"Berita Bawaslu: {p.title}{when}"
    if p.doc_type == JAWABAN_PETUGAS:
        when = f", {p.date}" if p.date else ""
        return f"Jawaban petugas Bawaslu{when}: {p.title}"
    doc = doc_label(p)
    if p.kind == KIND_AMAR:  # issue 11: one item of a ruling's amar
        item = {"provisi": "dalam provisi", "pokok": "dalam pokok permohonan"}.get(p.item or "", p.item or "")
        return f"{doc}, amar{' angka ' + item if item.isdigit() else (' ' + item if item else '')}"
    if p.kind == KIND_PERTIMBANGAN:
        return f"{doc}, {p.section or 'Pertimbangan Hukum'}"
    if p.kind == KIND_PENJELASAN:
        return f"Penjelasan {location(p) or 'Umum'} {doc}"
    loc = location(p)
    return f"{doc}, {loc}" if loc else doc


def by_laws(doc_ids: tuple[str, ...] | list[str]) -> str:
    return ", ".join(short_label(d) for d in doc_ids)


def status_text(c: Citation) -> str:
    """'berlaku' / 'sudah diubah oleh UU No. 10 Tahun 2016' / 'sudah dicabut oleh UU No. 7 Tahun 2017'."""
    if c.status == DICABUT:
        return f"sudah dicabut oleh {by_laws(c.status_by) or 'peraturan yang lebih baru'}"
    if c.status == DIUBAH:
        return f"sudah diubah oleh {by_laws(c.status_by)}" if c.status_by else "sudah diubah"
    return STATUS_WORD.get(c.status, c.status)


def narrow(c: Citation, p: Passage, *, ayat: str | None, point: str | None) -> Citation:
    """The citation `c` of passage `p`, narrowed to one of its ayat (None: p's own) and / or point."""
    part = dataclasses.replace(p, ayat=ayat if ayat is not None else p.ayat, point=point)
    return dataclasses.replace(c, label=label(part), ayat=part.ayat, point=part.point)


def citation(p: Passage, *, status: str, status_by: list[str] | None = None,
             chain: list[str] | None = None, effects: tuple = (), effect_notes: list[str] | None = None) -> Citation:
    """The citation of passage `p`, with its effective status and amendment chain. `effects`: the
    article's legal effects (knowledge.effects.Effect, issue 11); `effect_notes`: their short
    Indonesian notes ("Pasal 40 ayat (1) dimaknai lain oleh Putusan MK 60/PUU-XXII/2024")."""
    by = tuple(status_by or ())
    history = []
    if p.amends and p.pasal:
        history.append(f"mengubah Pasal {p.pasal} {short_label(p.amends)}")
    if chain and len(chain) > 1:
        history.append("rangkaian: " + " jo. ".join(short_label(d).replace("No. ", "").replace(" Tahun ", "/")
                                                    for d in chain))
    notes = list(effect_notes or [])
    if status == DICABUT:
        notes.append(f"sudah dicabut oleh {by_laws(by) or 'peraturan yang lebih baru'}; dikutip sebagai sejarah "
                     "hukum, bukan aturan yang berlaku")
    elif status == DIUBAH and by:
        notes.append(f"sudah diubah oleh {by_laws(by)}; lihat teks terbaru")
    notes += history
    if p.quality == "ocr":
        notes.append("teks hasil OCR, mungkin ada salah baca; periksa dokumen resmi")
    return Citation(label=label(p), doc_id=p.doc_id, passage_id=p.id, pasal=p.pasal, ayat=p.ayat, point=p.point,
                    status=status, url=p.url, note="; ".join(notes) or None, status_by=by,
                    history="; ".join(history) or None, effects=tuple(effects))
