"""The prepared-document cache: a warm re-ingest reuses the parse of unchanged bytes, and only those."""
from __future__ import annotations

import ingest.pipeline as pipeline
from ingest.cache import PreparedCache
from ingest.pipeline import prepare_path

LAW = """UNDANG-UNDANG REPUBLIK INDONESIA
NOMOR 99 TAHUN 2031
TENTANG
UJI COBA

Pasal 1
Pemilih adalah warga negara yang berusia paling rendah 17 (tujuh belas) tahun.

Pasal 2
(1) Pemungutan suara dilaksanakan di TPS.
(2) TPS dibuka pukul 07.00.
"""


def _no_parse(*_a, **_k):
    raise AssertionError("parsed again although nothing changed")


def test_unchanged_bytes_are_not_parsed_again(tmp_path, monkeypatch):
    src = tmp_path / "uu-99-2031.md"
    src.write_text(LAW, encoding="utf-8")
    cache = PreparedCache(tmp_path / "cache")
    info, text, passages = prepare_path(src, cache=cache)
    assert passages and any("TPS dibuka pukul 07.00." in p.text for p in passages)

    monkeypatch.setattr(pipeline, "load_path", _no_parse)
    info2, text2, passages2 = prepare_path(src, cache=cache)
    assert (info2, text2, passages2) == (info, text, passages)


def test_changed_bytes_are_parsed_again(tmp_path):
    src = tmp_path / "uu-99-2031.md"
    src.write_text(LAW, encoding="utf-8")
    cache = PreparedCache(tmp_path / "cache")
    prepare_path(src, cache=cache)
    src.write_text(LAW.replace("pukul 07.00", "pukul 08.00"), encoding="utf-8")
    _, _, passages = prepare_path(src, cache=cache)
    joined = "\n".join(p.text for p in passages)
    assert "pukul 08.00" in joined and "pukul 07.00" not in joined


def test_a_torn_entry_is_parsed_again_not_fatal(tmp_path):
    src = tmp_path / "uu-99-2031.md"
    src.write_text(LAW, encoding="utf-8")
    cache = PreparedCache(tmp_path / "cache")
    _, _, first = prepare_path(src, cache=cache)
    for f in (tmp_path / "cache").glob("*.json"):
        f.write_text('{"info": {"doc_id"', encoding="utf-8")
    _, _, again = prepare_path(src, cache=cache)
    assert again == first


def test_a_parser_change_makes_a_new_key(tmp_path, monkeypatch):
    src = tmp_path / "uu-99-2031.md"
    src.write_text(LAW, encoding="utf-8")
    cache = PreparedCache(tmp_path / "cache")
    before = cache.key(src, None)
    monkeypatch.setattr("ingest.cache.code_fingerprint", lambda: "another parser")
    assert cache.key(src, None) != before


def test_prune_keeps_only_what_this_run_used(tmp_path):
    old, new = tmp_path / "a.md", tmp_path / "b.md"
    old.write_text(LAW, encoding="utf-8")
    new.write_text(LAW.replace("TPS dibuka", "TPS ditutup"), encoding="utf-8")
    prepare_path(old, cache=PreparedCache(tmp_path / "cache"))
    run = PreparedCache(tmp_path / "cache")
    prepare_path(new, cache=run)
    assert run.prune() == 1
    assert [f.stem for f in (tmp_path / "cache").glob("*.json")] == [run.key(new, None)]
