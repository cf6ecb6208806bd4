"""Citations rendered from passage metadata (never parsed back out of text)."""
from __future__ import annotations

from .model import (BERITA, DICABUT, JAWABAN_PETUGAS, KIND_AMAR, KIND_PENJELASAN, KIND_PERTIMBANGAN, PUTUSAN_MK, UUD,
                    Citation, Passage)

_TYPE_ABBR = {"UU": "UU", "Perppu": "Perppu", "PKPU": "PKPU", "Perbawaslu": "Perbawaslu", UUD: "UUD"}


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
        return f"{_TYPE_ABBR.get(parts[0].upper(), parts[0].upper()) if parts[0] != 'uu' else 'UU'} No. {parts[1]} Tahun {parts[2]}"
    if doc_id.startswith("uud"):
        return "UUD 1945"
    return doc_id


def location(p: Passage) -> str:
    """'Pasal 7 ayat (2) huruf a-k'."""
    if not p.pasal:
        return ""
    out = f"Pasal {p.pasal}"
    if p.ayat:
        if "-" in p.ayat:
            a, b = p.ayat.split("-", 1)
            out += f" ayat ({a}) s.d. ({b})"
        else:
            out += f" ayat ({p.ayat})"
    if p.point:
        out += f" {p.point}"
    return out


def label(p: Passage) -> str:
    if p.doc_type == BERITA:
        when = f", {p.date}" if p.date else ""
        return f"Berita Bawaslu: {p.title}{when}"
    if p.doc_type == JAWABAN_PETUGAS:
        when = f", {p.date}" if p.date else ""
        return f"Jawaban petugas Bawaslu{when}: {p.title}"
    doc = doc_label(p)
    if p.kind == KIND_AMAR:
        item = p.item if p.item and p.item.isdigit() else {"provisi": "dalam provisi", "pokok": "dalam pokok permohonan"}.get(p.item or "", "")
        return f"{doc}, amar{' angka ' + item if item.isdigit() else (' ' + item if item else '')}"
    if p.kind == KIND_PERTIMBANGAN:
        return f"{doc}, {p.section or 'Pertimbangan Hukum'}"
    if p.kind == KIND_PENJELASAN:
        return f"Penjelasan {location(p) or 'Umum'} {doc}".replace("Penjelasan Umum", "Penjelasan Umum")
    loc = location(p)
    return f"{doc}, {loc}" if loc else doc


def citation(p: Passage, *, status: str, status_by: list[str] | None = None, chain: list[str] | None = None,
             effects: tuple = (), effect_notes: list[str] | None = None) -> Citation:
    """`effects`: the article's legal effects (knowledge.effects.Effect); `effect_notes`: their short
    Indonesian notes ("dimaknai lain oleh Putusan MK 60/PUU-XXII/2024")."""
    notes = list(effect_notes or [])
    if status == DICABUT:
        by = ", ".join(short_label(d) for d in (status_by or [])) or "peraturan yang lebih baru"
        notes.append(f"sudah dicabut oleh {by}; dikutip sebagai sejarah hukum, bukan aturan yang berlaku")
    elif status == "diubah" and status_by:
        notes.append("sudah diubah oleh " + ", ".join(short_label(d) for d in status_by) + "; lihat teks terbaru")
    if p.amends and p.pasal:
        notes.append(f"mengubah Pasal {p.pasal} {short_label(p.amends)}")
    if chain and len(chain) > 1:
        notes.append("rangkaian: " + " jo. ".join(short_label(d).replace("No. ", "").replace(" Tahun ", "/") for d in chain))
    if p.quality == "ocr":
        notes.append("teks hasil OCR, mungkin ada salah baca; periksa dokumen resmi")
    return Citation(label=label(p), doc_id=p.doc_id, passage_id=p.id, pasal=p.pasal, ayat=p.ayat, status=status,
                    url=p.url, note="; ".join(notes) or None, effects=tuple(effects))
