"""Glued words in PDF text: the bundled PDFs loaded with the old extraction (pypdf) and the
current one (pdfminer.six layout), counted in the same run.

    python -m bench.pdf_spacing [PDF ...]

A token is *glued* when it is not a word of the corpus vocabulary (every word of the clean
Markdown laws in ingest/corpus/regulations) and splits into two or more vocabulary words of at
least three letters that are not bare affixes ("limatahunsekali" -> lima|tahun|sekali). Words
that only carry a suffix the vocabulary lacks ("kemerdekaannya") do not count. It also prints
the tokens missing from the vocabulary (OOV) and letter-spaced runs ("K e r a k y a t a n").
"""
from __future__ import annotations

import functools
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REGULATIONS = ROOT / "ingest" / "corpus" / "regulations"
WORD = re.compile(r"[A-Za-z]+")
AFFIXES = {"nya", "kan", "lah", "kah", "pun", "tah", "an", "i", "di", "ke", "se", "ber", "ter", "per", "me", "pe"}


@functools.lru_cache(maxsize=1)
def corpus_vocabulary() -> frozenset[str]:
    words: set[str] = set()
    for path in REGULATIONS.glob("*.md"):
        if "ocr" not in path.name:  # the OCR text has glued words of its own
            words |= {w.lower() for w in WORD.findall(path.read_text(encoding="utf-8"))}
    return frozenset(words)


def split_words(token: str, vocab: frozenset[str]) -> list[str] | None:
    """The split of `token` into the fewest vocabulary words (>= 3 letters, no bare affix)."""
    t = token.lower()

    @functools.lru_cache(maxsize=None)
    def best(i: int) -> tuple[str, ...] | None:
        if i == len(t):
            return ()
        found = None
        for j in range(i + 3, len(t) + 1):
            w = t[i:j]
            if w in vocab and w not in AFFIXES:
                rest = best(j)
                if rest is not None and (found is None or len(rest) + 1 < len(found)):
                    found = (w, *rest)
        return found

    parts = best(0)
    return list(parts) if parts and len(parts) >= 2 else None


def glued_tokens(text: str, vocab: frozenset[str] | None = None) -> list[str]:
    vocab = vocab or corpus_vocabulary()
    return [t for t in WORD.findall(text) if len(t) >= 6 and t.lower() not in vocab and split_words(t, vocab)]


def oov_tokens(text: str, vocab: frozenset[str] | None = None) -> list[str]:
    vocab = vocab or corpus_vocabulary()
    return [t for t in WORD.findall(text) if t.lower() not in vocab]


def letter_spaced_runs(text: str) -> int:
    return len(re.findall(r"(?:\b[A-Za-z] ){4,}[A-Za-z]\b", text))


def measure(path: Path) -> dict:
    from ingest.formats.pdf import load_pdf

    data = path.read_bytes()
    out = {}
    for engine in ("pypdf", "pdfminer"):
        t0 = time.perf_counter()
        text = load_pdf(data, str(path), engine=engine).text
        out[engine] = {"seconds": time.perf_counter() - t0, "glued": glued_tokens(text), "oov": len(oov_tokens(text)),
                       "spaced": letter_spaced_runs(text), "text": text}
    return out


def main(paths: list[str]) -> None:
    pdfs = [Path(p) for p in paths] or sorted(REGULATIONS.glob("*.pdf"))
    print(f"{'pdf':<16} {'engine':<9} {'glued':>6} {'oov':>6} {'spaced':>6} {'seconds':>8}")
    for path in pdfs:
        m = measure(path)
        for engine, r in m.items():
            print(f"{path.name:<16} {engine:<9} {len(r['glued']):>6} {r['oov']:>6} {r['spaced']:>6} {r['seconds']:>8.2f}")
        before, after = len(m["pypdf"]["glued"]), len(m["pdfminer"]["glued"])
        fall = 100 * (before - after) / before if before else 0.0
        print(f"{path.name:<16} glued words fall {before} -> {after} ({fall:.1f} %); "
              f"time ratio pdfminer/pypdf {m['pdfminer']['seconds'] / m['pypdf']['seconds']:.2f}")
        print(f"  left: {sorted(set(m['pdfminer']['glued']))[:20]}")


if __name__ == "__main__":
    main(sys.argv[1:])
