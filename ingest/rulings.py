"""Constitutional Court rulings (Putusan MK, document type `putusan_mk`).

A ruling is recognised by its heading ("PUTUSAN Nomor 60/PUU-XXII/2024"), whether it comes as the
sectioned JSON of a text extraction (the bundled corpus) or as PDF / plain text (an admin upload).
What is indexed:

* the amar (dictum after "Mengadili"), one passage per item, verbatim, each with its effect on the
  article it names: `dimaknai` (conditionally unconstitutional, "sepanjang tidak dimaknai …"),
  `dibatalkan` (unconstitutional and not binding), or `ditolak` (petition rejected);
* the Court's own reasoning summary: the paragraphs of "Pertimbangan Hukum" and the "Konklusi".

The parties' pleadings (Duduk Perkara), the identity of the parties and the separate opinions are
left out. A rejected petition names the article under review; when the reasoning says how the
article is to be read (as 70/PUU-XXII/2024 did for the minimum age), that paragraph carries the
`ditolak` effect so the answer can quote it.

Clean-up is safe and reversible only: page numbers between lines, whitespace, and "Undang -Undang"
→ "Undang-Undang". Split words of the PDF extraction ("kek uatan") stay; passages are marked
quality "ocr" so answers warn.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from knowledge.model import KIND_AMAR, KIND_PERTIMBANGAN, PUTUSAN_MK, Passage, content_hash

from .chunk import _sentence_spans
from .document import LoadedDocument, LoadError
from .manifest import DocumentInfo

HEADING = re.compile(r"\bPUTUSAN\s+Nomor\s+(\d+)\s*/\s*(PUU)\s*-\s*([IVXLC]+)\s*/\s*(\d{4})\b", re.I)
REASONING_MAX_CHARS = 1500  # like a news paragraph group: citizens ask about one point of the reasoning
_VERBS = r"(?:Menolak|Mengabulkan|Menyatakan|Memerintahkan|Tidak\s+dapat\s+diterima|Menyatakan\s+permohonan)"
_ITEM = re.compile(rf"(?:(?<=\s)|^)(\d{{1,2}})\.\s+(?={_VERBS}\b)")
_LAW = re.compile(r"(?:Undang-Undang|UU)\s+(?:Nomor\s+(\d+)\s+Tahun\s+(\d{4})|(\d+)\s*/\s*(\d{4}))")
_ARTICLE = re.compile(r"Pasal\s+(\d+[A-Z]?)(?:\s+ayat\s*\(\s*(\d+[a-z]?)\s*\))?(?:\s+huruf\s+([a-z])\b)?")
# a paragraph mark that starts a paragraph ("[3.17] Menimbang …"), not a reference ("Paragraf [3.13]")
_PARA = re.compile(r"(?<!Paragraf )(?<!paragraf )(?<!, )(?<!dan )\[(\d+(?:\.\d+){1,3})\](?=\s+[A-Z])")
# words that say how an article is to be read
_READING = re.compile(r"menegaskan|dimaknai|pemaknaan|makna|harus dipenuhi|mengikat|ditentukan|dihitung", re.I)


def is_ruling(text: str) -> bool:
    return bool(HEADING.search(" ".join(text[:4000].split())))


def is_ruling_json(data: object) -> bool:
    return isinstance(data, dict) and isinstance(data.get("document"), dict) and \
        str(data["document"].get("document_type", "")).lower() == "putusan" and "sections" in data


# -- loading ------------------------------------------------------------------------------------
def _clean(s: str) -> str:
    s = re.sub(r"\s*\n\s*\n\s*\d{1,3}\s*(?:\n|$)", "\n", s)  # a page number between two pages
    s = re.sub(r"(\w) -(?=[A-Z]\w)", r"\1-", s)  # "Undang -Undang" -> "Undang-Undang"
    s = re.sub(r"(\w)- (?=undang\b)", r"\1-", s)  # "perundang- undangan" -> "perundang-undangan"
    return re.sub(r"\s+", " ", s).strip()


def _starts_item(s: str) -> bool:
    return bool(re.match(_VERBS, s.strip()))


def _join_dictum(dictum: list[str], sections_text: str) -> tuple[list[str], list[str]]:
    """The extractor splits a dictum at "N." list numbers inside an item ("… sampai dengan\n1.000.000")
    and drops the number. Join such a fragment to its item; restore the number only where the
    sections' own rendering of the amar shows it. Returns (items, warnings)."""
    items: list[str] = []
    notes: list[str] = []
    flat = _clean(sections_text)
    for raw in dictum:
        piece = _clean(raw)
        if items and not _starts_item(piece):
            prev = items[-1]
            m = re.search(re.escape(prev[-40:]) + r"\s*(\d{1,3}\.)" + re.escape(piece[:40]), flat)
            if m:
                items[-1] = f"{prev} {m.group(1)}{piece}"
            else:
                items[-1] = f"{prev} {piece}"
                notes.append("sambungan amar tanpa nomor yang hilang")
            continue
        items.append(piece)
    return items, notes


def render_json(data: dict) -> tuple[str, str | None]:
    """The text of a sectioned ruling: heading, reasoning, konklusi, amar. Returns (text, date)."""
    doc = data.get("document", {})
    sections = data.get("sections", [])
    number = doc.get("case_number", "")
    texts = [f"{s.get('heading', '')} {s.get('text', '')}".strip() for s in sections]
    lines = ["PUTUSAN", f"Nomor {number}"]
    amar_at = next((i for i, s in enumerate(sections) if re.match(r"\d+\.\s+AMAR PUTUSAN", s.get("heading", ""))),
                   len(sections))
    for i, t in enumerate(texts[:amar_at]):
        if t.startswith("PUTUSAN") or not t:
            continue
        lines.append(_clean(t))
    dictum = (data.get("outcome") or {}).get("dictum") or []
    items, _ = _join_dictum(dictum, "\n".join(texts[amar_at:]))
    lines.append("AMAR PUTUSAN")
    lines.append("Mengadili:")
    pokok = [x for x in items if not re.match(r"(?:Menolak|Mengabulkan) permohonan provisi", x)]
    for x in items:
        if x not in pokok:
            lines += ["Dalam Provisi:", x]
    if pokok:
        lines.append("Dalam Pokok Permohonan:")
        lines += [f"{n}. {x}" for n, x in enumerate(pokok, 1)] if len(pokok) > 1 else pokok
    return "\n".join(lines) + "\n", doc.get("decision_date")


def load_json(path: str | Path) -> LoadedDocument:
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise LoadError("unsupported_type", f"Berkas JSON tidak dapat dibaca: {p.name}.") from e
    if not is_ruling_json(data):
        raise LoadError("unsupported_type", f"Berkas JSON ini bukan putusan yang dikenali: {p.name}.")
    text, date = render_json(data)
    return LoadedDocument(text=text, source=str(p), media_type="application/json", date=date)


# -- parsing -------------------------------------------------------------------------------------
_MONTHS = {m: i for i, m in enumerate(("januari", "februari", "maret", "april", "mei", "juni", "juli", "agustus",
                                       "september", "oktober", "november", "desember"), 1)}
_UNITS = {"nol": 0, "satu": 1, "se": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6, "tujuh": 7,
          "delapan": 8, "sembilan": 9, "sepuluh": 10, "sebelas": 11}


def words_to_int(words: str) -> int | None:
    """'dua puluh' -> 20, 'dua ribu dua puluh empat' -> 2024."""
    total, cur = 0, 0
    toks = re.sub(r"\b(se)(puluh|belas|ratus|ribu)\b", r"\1 \2", words.lower()).split()
    if not toks:
        return None
    for t in toks:
        if t in _UNITS:
            cur += _UNITS[t]
        elif t == "belas":
            cur += 10
        elif t == "puluh":
            cur *= 10
        elif t == "ratus":
            cur *= 100
        elif t == "ribu":
            total += (cur or 1) * 1000
            cur = 0
        else:
            return None
    return total + cur


def decision_date(text: str) -> str | None:
    """'diucapkan … pada hari Selasa, tanggal dua puluh, bulan Agustus, tahun dua ribu dua puluh empat'."""
    m = re.search(r"diucapkan\s+dalam\s+Sidang\s+Pleno.{0,200}?tanggal\s+([a-z ]+?),?\s+bulan\s+([A-Za-z]+),?\s+"
                  r"tahun\s+([a-z ]+?)(?:,|\s+selesai|\s+oleh|\.)", " ".join(text.split()), re.I | re.S)
    if not m:
        return None
    day, month, year = words_to_int(m.group(1)), _MONTHS.get(m.group(2).lower()), words_to_int(m.group(3))
    if not (day and month and year):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _law_id(s: str) -> str | None:
    m = _LAW.search(s)
    if not m:
        return None
    num, year = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
    return f"uu-{num}-{year}"


def item_effect(item: str) -> tuple[str | None, str | None]:
    """(effect, target) of one amar item."""
    flat = re.sub(r"\s+", "", item).lower()
    if item.startswith("Menyatakan") and "bertentangandenganundang-undangdasar" in flat \
            and "tidakmempunyaikekuatanhukummengikat" in flat:
        art = _ARTICLE.search(item)
        law = _law_id(item[art.end():] if art else item)
        if not art or not law:
            return None, None
        kind = "dimaknai" if re.search(r"sepanjang(?:tidak)?dimaknai|sepanjangtidakdiartikan", flat) else "dibatalkan"
        return kind, _target(law, art)
    if re.match(r"Menolak permohonan (?!provisi)", item):
        return "ditolak", None
    return None, None


def _target(law: str, art: re.Match) -> str:
    t = f"{law}:pasal-{art.group(1)}"
    if art.group(2):
        t += f"/ayat-{art.group(2)}"
        if art.group(3):
            t += f"/huruf-{art.group(3)}"
    return t


def parse_ruling(text: str) -> dict:
    """Split a ruling's text into its number, date, subject, reasoning paragraphs and amar items."""
    flat = _clean(text)
    head = HEADING.search(flat)
    if not head:
        raise LoadError("no_article", "Teks ini tidak memuat kepala putusan («PUTUSAN Nomor …/PUU-…/…»).")
    number = f"{head.group(1)}/PUU-{head.group(3).upper()}/{head.group(4)}"
    subject = None
    m = re.search(r"menjatuhkan putusan dalam perkara (Pengujian .+?)(?:, yang diajukan oleh|\s*yang diajukan)", flat)
    if m:
        subject = m.group(1)
    amar_m = None
    for amar_m in re.finditer(r"\bM\s?e\s?n\s?g\s?a\s?d\s?i\s?l\s?i\s*[:,]", flat, re.I):
        pass
    end = re.search(r"Demikian diputus|ALASAN BERBEDA|PENDAPAT BERBEDA", flat[amar_m.end():]) if amar_m else None
    amar = flat[amar_m.end(): amar_m.end() + end.start()] if amar_m and end else (flat[amar_m.end():] if amar_m else "")
    # reasoning: from "PERTIMBANGAN HUKUM" (or the Court's first [3.x] paragraph) up to the amar
    start = re.search(r"PERTIMBANGAN HUKUM|\[3\.1\]", flat)
    stop = re.search(r"\d+\.\s+AMAR PUTUSAN|AMAR PUTUSAN", flat)
    lo = start.start() if start else 0
    hi = stop.start() if stop else (amar_m.start() if amar_m else len(flat))
    if not start:  # an excerpt: the reasoning starts with its first bracketed paragraph
        first = _PARA.search(flat, flat.find("[1.1]") + 5 if "[1.1]" in flat else 0)
        lo = first.start() if first else hi
    return {"number": number, "year": int(head.group(4)), "subject": subject, "date": decision_date(flat),
            "text": flat, "amar": (amar_m.end(), amar), "reasoning": (lo, flat[lo:hi])}


def _amar_items(amar: str) -> list[tuple[str, int, int]]:
    """[(item label, start, end)] offsets within the amar text."""
    out: list[tuple[str, int, int]] = []
    prov = re.search(r"Dalam Provisi\s*:?\s*", amar)
    pokok = re.search(r"Dalam Pokok Permohonan\s*:?\s*", amar)
    if prov:
        stop = pokok.start() if pokok else len(amar)
        out.append(("provisi", prov.end(), stop))
    body_at = pokok.end() if pokok else (0 if not prov else len(amar))
    body = amar[body_at:]
    marks = list(_ITEM.finditer(body))
    if marks:
        for m, nxt in zip(marks, marks[1:] + [None]):
            out.append((m.group(1), body_at + m.end(), body_at + (nxt.start() if nxt else len(body))))
    elif body.strip():
        out.append(("pokok", body_at, len(amar)))
    return [(lab, a + (len(amar[a:b]) - len(amar[a:b].lstrip())), a + len(amar[a:b].rstrip()))
            for lab, a, b in out if amar[a:b].strip()]


def _reasoning_paragraphs(reasoning: str) -> list[tuple[str, int, int]]:
    marks = list(_PARA.finditer(reasoning))
    out = []
    if marks and marks[0].start() > 0 and reasoning[: marks[0].start()].strip():
        out.append(("", 0, marks[0].start()))
    for m, nxt in zip(marks, marks[1:] + [None]):
        out.append((m.group(1), m.start(), nxt.start() if nxt else len(reasoning)))
    if not marks and reasoning.strip():
        out.append(("", 0, len(reasoning)))
    return [(k, a, a + len(reasoning[a:b].rstrip())) for k, a, b in out if reasoning[a:b].strip()]


def ruling_info(parsed: dict, *, fallback: DocumentInfo | None = None) -> DocumentInfo:
    num, _, year = parsed["number"].partition("/PUU-")
    doc_id = f"putusan-mk-{num}-{parsed['year']}"
    title = f"Putusan Mahkamah Konstitusi Nomor {parsed['number']}"
    if parsed.get("subject"):
        title += f" tentang {parsed['subject']}"
    info = fallback or DocumentInfo(doc_id=doc_id, title=title)
    info.doc_type, info.number, info.year = PUTUSAN_MK, parsed["number"], parsed["year"]
    info.title = info.title if fallback and fallback.title else title
    info.date = info.date or parsed.get("date")
    info.quality = "ocr"
    return info


def chunk_ruling(info: DocumentInfo, parsed: dict, *, version: int = 1, source: str = "") -> list[Passage]:
    text = parsed["text"]
    base = dict(doc_id=info.doc_id, title=info.title, doc_type=PUTUSAN_MK, number=info.number, year=info.year,
                status=info.status, status_by=info.status_by, url=info.url, source=source or (info.file or ""),
                quality=info.quality, version=version, date=info.date)
    out: list[Passage] = []
    lo, reasoning = parsed["reasoning"]
    paras = []
    for key, a, b in _reasoning_paragraphs(reasoning):
        whole = reasoning[a:b]
        konklusi = key.startswith("4.") or "KONKLUSI" in whole[:40]
        section = "Konklusi" if konklusi else "Pertimbangan Hukum Mahkamah Konstitusi"
        # a long paragraph (the Court's holding can run for pages) is cut at sentence ends
        pieces = _sentence_spans(whole, REASONING_MAX_CHARS) if len(whole) > REASONING_MAX_CHARS else [(0, whole)]
        for n, (_, seg) in enumerate(pieces, 1):
            path = f"pertimbangan/{key or 'awal'}" + (f"/{n}" if len(pieces) > 1 else "")
            while any(x.id.endswith("#" + path) for x in out):
                path += "+"
            paras.append((key, seg))
            out.append(_mk(base, path, seg, kind=KIND_PERTIMBANGAN, section=section))
    amar_at, amar = parsed["amar"]
    items = _amar_items(amar)
    effects = [item_effect(amar[a:b])[0] for _, a, b in items]
    # "Menolak … untuk seluruhnya": the whole petition failed, the article under review stands as read
    # by the Court; "Menolak … selain dan selebihnya" beside granted items says nothing more
    rejected = "ditolak" in effects and not {"dimaknai", "dibatalkan"} & set(effects)
    reviewed = _reviewed(items, amar, reasoning) if rejected else []
    for label, a, b in items:
        seg = amar[a:b]
        effect, target = item_effect(seg)
        p = _mk(base, f"amar/{label}", seg, kind=KIND_AMAR, section="Amar Putusan Mahkamah Konstitusi", item=label)
        if effect == "ditolak" and rejected:
            # the text stands; where the reasoning says how the article is read, that paragraph carries it
            for t in reviewed:
                quote = _reading_paragraph(out, t)
                holder = quote or p
                idx = out.index(holder) if holder in out else None
                marked = _with(holder, effect="ditolak", target=t, item=label)
                if idx is not None:
                    out[idx] = marked
                else:
                    p = marked
        elif effect and effect != "ditolak":
            p = _with(p, effect=effect, target=target, item=label)
        out.append(p)
    return out


def _reviewed(items, amar: str, reasoning: str) -> list[str]:
    """Articles under review of a rejected petition: the article the reasoning names most."""
    counts: Counter = Counter()
    for m in _ARTICLE.finditer(reasoning):
        law = _law_id(reasoning[m.end(): m.end() + 80])
        if law and not reasoning[m.end(): m.end() + 12].lstrip().startswith("UUD"):
            counts[_target(law, m)] += 1
    if not counts:
        return []
    best, n = counts.most_common(1)[0]
    return [best] if n >= 2 else []


def _reading_paragraph(passages: list[Passage], target: str) -> Passage | None:
    art = target.split(":pasal-", 1)[-1].split("/")[0]
    cands = [p for p in passages if p.kind == KIND_PERTIMBANGAN and re.search(rf"Pasal {re.escape(art)}\b", p.text)
             and p.section != "Konklusi"]
    if not cands:
        return None
    return max(cands, key=lambda p: (len(_READING.findall(p.text)), -len(p.text)))


def _with(p: Passage, **kw) -> Passage:
    import dataclasses

    return dataclasses.replace(p, **kw)


def _mk(base: dict, path: str, text: str, **kw) -> Passage:
    return Passage(id=f"{base['doc_id']}@v{base['version']}#{path}", text=text, hash=content_hash(text), **base, **kw)


def prepare_ruling(loaded: LoadedDocument, info: DocumentInfo | None, *, version: int = 1):
    """(info, stored text, passages) for a ruling (pipeline.prepare hands rulings here)."""
    parsed = parse_ruling(loaded.text)
    if loaded.date and not parsed.get("date"):
        parsed["date"] = loaded.date
    info = ruling_info(parsed, fallback=info)
    info.url = info.url or loaded.url
    passages = chunk_ruling(info, parsed, version=version, source=loaded.source)
    return info, parsed["text"], passages
