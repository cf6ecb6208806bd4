"""Passages of the bundled text corpus never change by accident: other data (feedback, FAQ
links, evaluations) is keyed by passage id and hash. A digest per source of every passage's id,
hash and metadata is pinned in tests/fixtures/passage_digests.json.

When a change to the text corpus or to parsing is meant, regenerate the file with
``python -m tests.ingest.test_passages_stable`` and say so in the commit.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from ingest.manifest import CORPUS_DIR
from ingest.pipeline import default_sources, prepare_path

DIGESTS = Path(__file__).resolve().parents[1] / "fixtures" / "passage_digests.json"


def digests() -> dict[str, dict]:
    out = {}
    for path, info in default_sources():
        if path.suffix not in (".md", ".txt", ".json"):  # .json: the rulings (issue 11)
            continue
        _info, _text, passages = prepare_path(path, info)
        h = hashlib.sha256()
        for p in passages:
            row = json.dumps([p.id, p.hash, p.text, p.to_metadata()], ensure_ascii=False, sort_keys=True, default=str)
            h.update(row.replace(str(CORPUS_DIR), "<corpus>").encode())  # the same wherever the checkout lies
        out[path.name] = {"passages": len(passages), "sha256": h.hexdigest()}
    return out


def test_bundled_text_passages_are_byte_identical():
    expected = json.loads(DIGESTS.read_text(encoding="utf-8"))
    got = digests()
    changed = sorted(k for k in expected.keys() | got.keys() if expected.get(k) != got.get(k))
    assert not changed, f"passages changed for: {changed}"


if __name__ == "__main__":
    DIGESTS.write_text(json.dumps(digests(), indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {DIGESTS}")
