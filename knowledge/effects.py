"""Article-level legal effects: what later laws, court rulings and regulations did to an article.

A law's status is not one word per document. Each article carries its own chain:

* amended by a later law (the amendment graph of `retrieval.Catalog.versions`),
* struck out by a later law ("Ketentuan Pasal 169 dihapus."),
* given a new meaning by a Constitutional Court ruling (amar "… sepanjang tidak dimaknai …"),
* declared void by a ruling ("… tidak mempunyai kekuatan hukum mengikat."),
* reviewed and upheld (petition rejected: the text stands, the reasoning may settle how it is read),
* repealed with its whole document by a later regulation (a PKPU's "… dicabut dan dinyatakan
  tidak berlaku").

Court and repeal effects are stated by passages (`Passage.effect` / `Passage.target`, set by
`ingest/rulings.py` and `ingest/regulations.py`) or recorded by an admin (`/status … dimaknai oleh
…`). Everything here is a pure function of the passage set plus those admin records: the engine
builds an `EffectIndex` with every snapshot, so adding or removing a ruling changes every answer
in the same atomic swap as re-ingestion, and an effect whose target is not indexed yet waits
(`pending`) until it arrives.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from .model import KIND_PASAL, PUTUSAN_MK, Passage

DIUBAH = "diubah"
DIHAPUS = "dihapus"
DIMAKNAI = "dimaknai"
DIBATALKAN = "dibatalkan"
DITOLAK = "ditolak"
DICABUT = "dicabut"
COURT_KINDS = (DIMAKNAI, DIBATALKAN, DITOLAK)
EFFECT_KINDS = (DIUBAH, DIHAPUS, DIMAKNAI, DIBATALKAN, DITOLAK, DICABUT)

_TARGET = re.compile(r"^(?P<doc>[a-z0-9-]+)(?::pasal-(?P<pasal>\d+[A-Z]?)(?:/ayat-(?P<ayat>\d+[a-z]?))?"
                     r"(?:/huruf-(?P<huruf>[a-z]))?)?$")


@dataclass(frozen=True)
class Target:
    doc_id: str
    pasal: str | None = None  # None: the whole document
    ayat: str | None = None
    huruf: str | None = None

    @classmethod
    def parse(cls, s: str) -> "Target | None":
        m = _TARGET.match((s or "").strip())
        if not m:
            return None
        return cls(m["doc"], m["pasal"], m["ayat"], m["huruf"])

    def format(self) -> str:
        out = self.doc_id
        if self.pasal:
            out += f":pasal-{self.pasal}"
            if self.ayat:
                out += f"/ayat-{self.ayat}"
            if self.huruf:
                out += f"/huruf-{self.huruf}"
        return out

    def location(self) -> str:
        """'Pasal 40 ayat (1)', 'Pasal 7 ayat (2) huruf e' ('' for a whole document)."""
        if not self.pasal:
            return ""
        out = f"Pasal {self.pasal}"
        if self.ayat:
            out += f" ayat ({self.ayat})"
        if self.huruf:
            out += f" huruf {self.huruf}"
        return out


@dataclass(frozen=True)
class Effect:
    kind: str  # one of EFFECT_KINDS
    target: Target
    by: str  # doc id of the law / ruling / regulation that has the effect
    item: str | None = None  # the ruling's amar item ("2", "pokok"), the amending law's article
    passage_id: str | None = None  # the passage stating it (quoted verbatim); None for admin records
    origin: str = "teks"  # "teks" (read from a text) | "admin" (recorded by an admin)

    def as_json(self, *, target: bool = False) -> dict:
        out = {"kind": self.kind, "by": self.by, "item": self.item}
        if target:
            out["target"] = self.target.format()
        return out


def effects_from_passages(passages: list[Passage]) -> list[Effect]:
    out = []
    for p in passages:
        if p.effect and p.target:
            for one in p.target.split(","):  # a repeal clause may name several regulations
                t = Target.parse(one)
                if t is not None:
                    out.append(Effect(p.effect, t, p.doc_id, p.item, p.id))
    return out


def _ayat_overlap(rng: str | None, ayat: str | None) -> bool:
    """Does a passage covering ayat `rng` ("1-3", "2", None = all) include ayat `ayat`?"""
    if not rng or not ayat:
        return True
    a, _, b = rng.partition("-")
    try:
        lo, hi, x = int(re.sub(r"\D", "", a)), int(re.sub(r"\D", "", b or a)), int(re.sub(r"\D", "", ayat))
    except ValueError:
        return rng == ayat
    return lo <= x <= hi


def compact_law(doc_id: str) -> str:
    """'uu-10-2016' -> 'UU 10/2016'; 'pkpu-8-2024' -> 'PKPU 8/2024'."""
    parts = doc_id.split("-")
    if len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit():
        prefix = {"uu": "UU", "perppu": "Perppu", "pkpu": "PKPU", "perbawaslu": "Perbawaslu"}.get(parts[0], parts[0].upper())
        return f"{prefix} {parts[1]}/{parts[2]}"
    if doc_id.startswith("uud"):
        return "UUD 1945"
    m = re.fullmatch(r"putusan-mk-(\d+)-(\d{4})", doc_id)
    if m:  # a ruling not in the index (an admin record): its number as far as the id tells
        return f"Putusan MK Nomor {m.group(1)} Tahun {m.group(2)}"
    return doc_id


class EffectIndex:
    """Every effect in a passage set (plus admin records), looked up by the article it touches."""

    def __init__(self, passages: list[Passage], extra: list[Effect] | tuple = ()):
        self.docs: dict[str, Passage] = {}
        self._amends: dict[str, str] = {}  # amendment law -> the base law it amends
        for p in passages:
            self.docs.setdefault(p.doc_id, p)
            if p.amends:
                self._amends.setdefault(p.doc_id, p.amends)
        self.effects: list[Effect] = effects_from_passages(passages) + list(extra)
        self._article: dict[tuple[str, str], list[Effect]] = defaultdict(list)
        self._document: dict[str, list[Effect]] = defaultdict(list)
        self.by_passage: dict[str, Effect] = {e.passage_id: e for e in self.effects if e.passage_id}
        for e in self.effects:
            if e.target.pasal:
                self._article[(self.base(e.target.doc_id), e.target.pasal)].append(e)
            else:
                self._document[e.target.doc_id].append(e)

    def base(self, doc_id: str) -> str:
        return self._amends.get(doc_id, doc_id)

    def name(self, doc_id: str) -> str:
        """How a citizen reads the source: 'Putusan MK 60/PUU-XXII/2024', 'UU 10/2016'."""
        p = self.docs.get(doc_id)
        if p is not None and p.doc_type == PUTUSAN_MK and p.number:
            return f"Putusan MK {p.number}"
        return compact_law(doc_id)

    def for_passage(self, p: Passage, *, newest: bool) -> list[Effect]:
        """Court / admin effects on p's article (and ayat). `newest`: p is the article's text in force,
        so effects naming the base law or an older version's law apply to it too."""
        if p.kind != KIND_PASAL or not p.pasal or "penetapan/" in p.id:
            return []
        out = []
        for e in self._article.get((p.amends or p.doc_id, p.pasal), []):
            if e.target.doc_id != p.doc_id and not newest:
                continue
            if e.target.doc_id == p.doc_id or newest:
                if _ayat_overlap(p.ayat, e.target.ayat):
                    out.append(e)
        return out

    def repeals(self, doc_id: str) -> list[Effect]:
        """Whole-document repeals of doc_id (a later regulation's 'dicabut dan dinyatakan tidak berlaku')."""
        return [e for e in self._document.get(doc_id, []) if e.kind == DICABUT]

    def pending(self) -> list[Effect]:
        """Effects whose target is not in the index (yet): applied as soon as it is ingested."""
        return [e for e in self.effects if e.target.doc_id not in self.docs]

    def stated_by(self, doc_id: str) -> list[Effect]:
        return [e for e in self.effects if e.by == doc_id]


def notice(e: Effect, index: EffectIndex) -> str:
    """The plain-Indonesian sentence an answer puts before the quote of an affected article (the
    renderers put "Perhatian:" before every warning, so it is not part of the text)."""
    where = " ".join(x for x in (e.target.location(), index.name(e.target.doc_id)) if x)
    by = index.name(e.by)
    item = f" (amar angka {e.item})" if e.item and e.item.isdigit() else ""
    if e.kind == DIMAKNAI:
        return (f"{where} telah dimaknai lain oleh {by}{item}. Ketentuan ini hanya berlaku "
                f"dengan pemaknaan Mahkamah Konstitusi" + (", yang amarnya berbunyi:" if e.passage_id else "."))
    if e.kind == DIBATALKAN:
        return (f"{where} telah dinyatakan bertentangan dengan UUD 1945 dan tidak mempunyai kekuatan "
                f"hukum mengikat oleh {by}{item}" + (":" if e.passage_id else "."))
    if e.kind == DITOLAK:
        return (f"{by} menolak permohonan pengujian {where}, sehingga bunyi ketentuan ini tetap berlaku"
                + ("; dalam pertimbangannya Mahkamah menegaskan:" if e.passage_id else "."))
    if e.kind == DICABUT:
        return f"{where or index.name(e.target.doc_id)} telah dicabut oleh {by}."
    return f"{where} {e.kind} oleh {by}."


def state(p: Passage, effects: list[Effect], status: str) -> str:
    """The article's current state in one word: a court effect outranks the amendment status."""
    kinds = {e.kind for e in effects}
    if DIBATALKAN in kinds and status != DICABUT:
        return DIBATALKAN
    if DIMAKNAI in kinds and status != DICABUT:
        return DIMAKNAI
    return status


def chain_lines(p: Passage, *, versions: list[str], effects: list[Effect], index: EffectIndex) -> list[str]:
    """The full chain of an article for the «Pasal lengkap» view, oldest first, in Indonesian."""
    lines = []
    if p.pasal and len(versions) > 1:
        for d in versions[1:]:
            lines.append(f"Pasal {p.pasal} diubah oleh {index.name(d)}")
    verbs = {DIMAKNAI: "dimaknai lain oleh", DIBATALKAN: "dinyatakan tidak mempunyai kekuatan hukum mengikat oleh",
             DITOLAK: "diuji dan permohonannya ditolak (tetap berlaku) oleh", DICABUT: "dicabut oleh",
             DIHAPUS: "dihapus oleh", DIUBAH: "diubah oleh"}
    for e in effects:
        item = f" amar angka {e.item}" if e.item and e.item.isdigit() else ""
        who = " (dicatat admin)" if e.origin == "admin" else ""
        lines.append(f"{e.target.location() or 'Dokumen'} {verbs.get(e.kind, e.kind)} {index.name(e.by)}{item}{who}")
    return lines
