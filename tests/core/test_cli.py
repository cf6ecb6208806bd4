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


def test_ask_jsonl_shape_and_persistence(data_dir, monkeypatch):
    monkeypatch.setenv("KEPEMILUAN_DATA_DIR", str(data_dir))  # a fresh process-level reopen of the store
    inp = "\n".join(json.dumps(x) for x in [
        {"id": "a", "question": "Apa syarat pendidikan minimal calon bupati?"},
        {"id": "b", "question": "Siapa calon yang paling bagus menurut kamu?"},
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
