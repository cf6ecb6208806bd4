"""The kepemiluan CLI: JSON shape, Chroma persistence across reopen, and bad input."""
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app

CORPUS = Path(__file__).resolve().parents[2] / "ingest" / "corpus"
runner = CliRunner()


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory):
    d = tmp_path_factory.mktemp("src")
    (d / "uu-10-2016.md").write_text((CORPUS / "regulations" / "uu-10-2016.md").read_text(encoding="utf-8"), encoding="utf-8")
    return d


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory, small_corpus):
    dd = tmp_path_factory.mktemp("data")
    mp = pytest.MonkeyPatch()
    mp.setenv("KEPEMILUAN_DATA_DIR", str(dd))
    r = runner.invoke(app, ["ingest", "-q", str(small_corpus / "uu-10-2016.md")])
    assert r.exit_code == 0, r.output
    assert "added=" in r.output
    yield dd
    mp.undo()


def test_reingest_unchanged_changes_nothing(data_dir, small_corpus, monkeypatch):
    monkeypatch.setenv("KEPEMILUAN_DATA_DIR", str(data_dir))
    r = runner.invoke(app, ["ingest", "-q", str(small_corpus / "uu-10-2016.md")])
    assert r.exit_code == 0, r.output
    assert "added=0 removed=0" in r.output and "embedded=0" in r.output


def test_reingest_of_unchanged_bytes_skips_parsing(data_dir, small_corpus, monkeypatch):
    # the warm re-ingest reuses the parse kept in the data directory (ingest/cache.py)
    import ingest.pipeline

    def parse_again(*_a, **_k):
        raise AssertionError("an unchanged file was parsed again")

    monkeypatch.setenv("KEPEMILUAN_DATA_DIR", str(data_dir))
    monkeypatch.setattr(ingest.pipeline, "load_path", parse_again)
    r = runner.invoke(app, ["ingest", "-q", str(small_corpus / "uu-10-2016.md")])
    assert r.exit_code == 0, r.output
    assert "added=0 removed=0" in r.output


def test_ask_jsonl_shape_and_persistence(data_dir, monkeypatch):
    monkeypatch.setenv("KEPEMILUAN_DATA_DIR", str(data_dir))  # a fresh process-level reopen of the store
    inp = "\n".join(json.dumps(x) for x in [
        {"id": "a", "question": "Calon bupati minimal harus lulusan sekolah apa?"},
        {"id": "b", "question": "Menurut kamu partai mana yang terbaik?"},
        {"question": "tolong sambungkan ke petugas"},
    ]) + "\n"
    r = runner.invoke(app, ["ask", "--jsonl"], input=inp)
    assert r.exit_code == 0, r.output
    rows = [json.loads(x) for x in r.stdout.splitlines() if x.strip()]
    assert [x["id"] for x in rows] == ["a", "b", None]
    assert [x["decision"] for x in rows] == ["answer", "abstain", "escalate"]
    for key in ("id", "decision", "answer", "confidence", "latency_ms", "sources"):
        assert key in rows[0]
    src = rows[0]["sources"][0]
    assert set(src) >= {"citation", "doc_id", "title", "pasal", "ayat", "status", "url", "text", "score"}
    assert src["doc_id"] == "uu-10-2016"
    stored = (CORPUS / "regulations" / "uu-10-2016.md").read_text(encoding="utf-8")
    for s in rows[0]["sources"]:
        assert s["text"] in stored
    for line in rows[0]["answer"].splitlines():
        if line.startswith("«"):
            assert line.strip("«»") in "".join(s["text"] for s in rows[0]["sources"])


@pytest.mark.parametrize("args,msg", [
    (["ask", ""], "kosong"),
    (["ask", "pemilu " * 3000], "terlalu panjang"),
])
def test_bad_questions_exit_nonzero(data_dir, monkeypatch, args, msg):
    monkeypatch.setenv("KEPEMILUAN_DATA_DIR", str(data_dir))
    r = runner.invoke(app, args)
    assert r.exit_code != 0 and msg in r.output


def test_bad_files_exit_nonzero_and_write_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("KEPEMILUAN_DATA_DIR", str(tmp_path / "d"))
    bad_pdf = tmp_path / "rusak.pdf"
    bad_pdf.write_bytes(b"%PDF-1.4 this is not really a pdf")
    unknown = tmp_path / "data.xyz"
    unknown.write_bytes(b"\x00\x01")
    good = tmp_path / "ok.md"
    good.write_text((CORPUS / "regulations" / "uu-2-2011.md").read_text(encoding="utf-8"), encoding="utf-8")
    for target in (bad_pdf, unknown, tmp_path / "tidak-ada.md"):
        r = runner.invoke(app, ["ingest", "-q", str(good), str(target)])
        assert r.exit_code != 0, r.output
        assert "Gagal" in r.output
    # nothing half-written: the good file listed first was not ingested either
    r = runner.invoke(app, ["sources"])
    assert "uu-2-2011" not in r.output


def test_a_parser_fix_that_only_changes_structure_reaches_the_index(tmp_path):
    """Same texts, corrected headings: the stored passages must carry the new sections."""
    import dataclasses

    from ingest.index import IndexWriter
    from ingest.manifest import DocumentInfo

    class Store:
        def __init__(self):
            self.rows = {}

        def all(self):
            return list(self.rows.values()), None

        def embeddings_by_hash(self, hashes):
            return {}

        def add(self, passages, vectors):
            self.rows.update({p.id: p for p in passages})

        def delete(self, ids):
            for i in ids:
                self.rows.pop(i, None)

        def question_ids(self, doc_id):  # no generated questions for this document
            return []

        def delete_questions(self, ids):
            pass

    class Embedder:
        def embed_documents(self, texts):
            return [[0.0] for _ in texts]

    from knowledge.model import Passage, content_hash

    text = "Setiap orang berhak untuk hidup."
    info = DocumentInfo(doc_id="uud-x", title="UUD", doc_type="UUD")
    p = Passage(id="uud-x@v1#pasal-28A", doc_id="uud-x", title="UUD", text=text, hash=content_hash(text),
                pasal="28A", section="BAB XVI")
    w = IndexWriter(Store(), Embedder())
    w.write(info, [p])
    fixed = dataclasses.replace(p, section="Bab XA HAK ASASI MANUSIA")
    summary = w.write(info, [fixed])
    assert [q.section for q in w.passages()] == ["Bab XA HAK ASASI MANUSIA"]
    assert summary.state == "diperbarui"
    again = w.write(info, [fixed])
    assert again.state == "tidak berubah"


def test_rulings_listed_with_type_date_url_and_their_effects_follow_ingest_and_remove(tmp_path, monkeypatch):
    """Issue 11 through the CLI: `sources` lists the rulings (type, date, provenance URL); in
    `ask --jsonl` Pasal 40 UU 10/2016 carries its effects; `remove` of the ruling drops them."""
    monkeypatch.setenv("KEPEMILUAN_DATA_DIR", str(tmp_path / "d"))
    monkeypatch.setenv("COLUMNS", "400")  # the table's URL column unfolded
    rulings = CORPUS / "rulings"
    r = runner.invoke(app, ["ingest", "-q", str(CORPUS / "regulations" / "uu-10-2016.md"),
                            str(rulings / "putusan-mk-60-2024.json"), str(rulings / "putusan-mk-70-2024.json")])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["sources"])
    assert r.exit_code == 0, r.output
    rows = {line.split("│")[1].strip(): line for line in r.output.splitlines() if line.count("│") > 5}
    for doc_id, number in (("putusan-mk-60-2024", "11003_1724130779"), ("putusan-mk-70-2024", "10997_1724127749")):
        assert "putusan_mk" in rows[doc_id] and "2024-08-20" in rows[doc_id]
        assert f"https://github.com/adhni/mkri-scraper/blob/" in rows[doc_id] and number in rows[doc_id]
    assert "putusan-mk-60-2024: dimaknai uu-10-2016:pasal-40/ayat-1 (amar 2)" in r.output

    def pasal40_effects() -> list:
        q = json.dumps({"id": "t", "question": "berapa persen syarat partai mengusung calon bupati sekarang?"})
        got = runner.invoke(app, ["ask", "--jsonl"], input=q + "\n")
        assert got.exit_code == 0, got.output
        [row] = [json.loads(x) for x in got.stdout.splitlines() if x.strip()]
        assert all("effects" in s and "status" in s for s in row["sources"])  # status stays, effects added
        src = next(s for s in row["sources"] if s["passage_id"] == "uu-10-2016@v1#pasal-40")
        assert src["status"] == "berlaku"
        return src["effects"]

    assert pasal40_effects() == [{"kind": "dimaknai", "by": "putusan-mk-60-2024", "item": "2"},
                                 {"kind": "dibatalkan", "by": "putusan-mk-60-2024", "item": "3"}]
    r = runner.invoke(app, ["remove", "putusan-mk-60-2024"])
    assert r.exit_code == 0, r.output
    assert pasal40_effects() == []
