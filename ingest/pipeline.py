"""load → parse → chunk: turn one source into (DocumentInfo, passages)."""
from __future__ import annotations

import copy
from pathlib import Path

from knowledge.model import BERITA, KIND_NEWS, KIND_TEXT, Passage

from .cache import PreparedCache
from .chunk import chunk_statute, chunk_text
from .load import LoadedDocument, LoadError, load_path
from .manifest import CORPUS_DIR, DocumentInfo, infer, load_manifest, news_info, slug
from .ocr import clean_ocr, noise_ratio
from .parse import parse, parse_title
from .regulations import mark_repeals
from .rulings import is_ruling, load_json, prepare_ruling

OCR_NOISE = 0.25  # share of non-word tokens above which a text counts as noisy OCR


def default_sources() -> list[tuple[Path, DocumentInfo | None]]:
    """The bundled corpus: every manifest entry, then every news article."""
    out: list[tuple[Path, DocumentInfo | None]] = [(CORPUS_DIR / d.file, d) for d in load_manifest() if d.file]
    for f in sorted((CORPUS_DIR / "news").glob("*.txt")):
        out.append((f, None))
    return out


def manifest_entry_for(path: Path) -> DocumentInfo | None:
    try:
        rp = path.resolve()
    except OSError:
        return None
    for d in load_manifest():
        if d.file and (CORPUS_DIR / d.file).resolve() == rp:
            return d
    return None


def prepare(loaded: LoadedDocument, info: DocumentInfo | None = None, *, version: int = 1,
            known: dict[str, DocumentInfo] | None = None) -> tuple[DocumentInfo, str, list[Passage]]:
    """Parse and chunk a loaded document. Returns (info, stored text, passages)."""
    text = loaded.text
    if not loaded.is_news and is_ruling(text):  # issue 11: a Constitutional Court ruling
        return prepare_ruling(loaded, info, version=version)
    if loaded.is_news:
        if info is None:
            info = news_info(loaded.title or Path(loaded.source).stem, date=loaded.date, place=loaded.place,
                             url=loaded.url, source=loaded.source)
        paragraphs = loaded.paragraphs or [p for p in text.split("\n\n") if p.strip()]
        passages = chunk_text(info, paragraphs, version=version, source=loaded.source, kind=KIND_NEWS)
        return info, text, passages

    if info is None:
        kind, number, year, about = parse_title(text)
        info = infer(kind, number, year, about, fallback_id=slug(Path(loaded.source).stem) or "dokumen")
        if known and info.doc_id in known:  # a new version of a document we already have
            prev = known[info.doc_id]
            info.status, info.status_by, info.amends = prev.status, prev.status_by, prev.amends or info.amends
            info.url = info.url or prev.url
        info.url = info.url or loaded.url
    if info.quality == "ocr" or noise_ratio(text[:20000]) > OCR_NOISE:
        info.quality = "ocr"
        text = clean_ocr(text, keep_roman=bool(info.amends))
    parsed = parse(text, amends=info.amends)
    # issue 11: a PKPU / Perbawaslu repeal clause carries its effect on the earlier regulation
    passages = mark_repeals(chunk_statute(info, parsed, version=version, source=loaded.source))
    if not passages:  # not a statute: plain text chunked by paragraphs
        if info.doc_type not in (BERITA,):
            info.doc_type = "lainnya" if info.doc_type not in ("UU", "UUD") or not parsed.title else info.doc_type
        paragraphs = [p for p in text.split("\n\n") if p.strip()] or [text]
        passages = chunk_text(info, paragraphs, version=version, source=loaded.source, kind=KIND_TEXT)
    return info, text, passages


def prepare_path(path: str | Path, info: DocumentInfo | None = None, *, cache: PreparedCache | None = None,
                 **kw) -> tuple[DocumentInfo, str, list[Passage]]:
    """`cache`: reuse what an earlier run prepared from the same bytes with the same parser
    (ingest/cache.py); used only for plain calls (no `version` / `known`)."""
    p = Path(path)
    info = info or manifest_entry_for(p)
    key = cache.key(p, info) if cache is not None and not kw else None
    if key is not None and (hit := cache.get(key)) is not None:
        return hit
    loaded = load_json(p) if p.suffix.lower() == ".json" else load_path(p)  # a ruling as sectioned JSON
    out = prepare(loaded, copy.copy(info) if info else None, **kw)
    if key is not None:
        cache.put(key, out)
    return out


__all__ = ["default_sources", "prepare", "prepare_path", "LoadError"]
