"""CLI side of issue 5: audit log and ingest times in `sources`, versions on re-ingest, `remove`,
and a model mismatch explained (never a crash) by `sources` and repaired by `reindex`."""
from __future__ import annotations

import pytest
from typer.testing import CliRunner

from bot.cli import app
from tests.live_support import DOC_ID, CountingEmbedder, perbawaslu

runner = CliRunner()


class OtherModel(CountingEmbedder):
    label = "model-lain-32"


@pytest.fixture
def cli_env(tmp_path, monkeypatch):
    monkeypatch.setenv("KEPEMILUAN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COLUMNS", "250")
    embedder = CountingEmbedder()
    monkeypatch.setattr("bot.wiring.build_embedder", lambda settings: embedder)
    src = tmp_path / "perbawaslu-9-2099.md"
    src.write_text(perbawaslu(1), encoding="utf-8")
    return src, embedder


def test_ingest_versions_audit_and_remove(cli_env, monkeypatch):
    src, embedder = cli_env
    r = runner.invoke(app, ["ingest", "-q", str(src)])
    assert r.exit_code == 0, r.output
    assert "added=3 removed=0" in r.output
    src.write_text(perbawaslu(2), encoding="utf-8")
    r = runner.invoke(app, ["ingest", "-q", str(src)])
    assert r.exit_code == 0 and "added=2 removed=2 unchanged=1" in r.output and "embedded=2" in r.output
    r = runner.invoke(app, ["sources"])
    assert r.exit_code == 0, r.output
    row = next(line for line in r.output.splitlines() if DOC_ID in line and "berlaku" in line)
    assert " 2 " in row and " 3 " in row and "korpus bawaan" not in row  # version 2, 3 passages, a time
    assert "Riwayat perubahan" in r.output and r.output.count("cli") >= 2 and "versi 2: +2 −2 =1" in r.output
    r = runner.invoke(app, ["remove", DOC_ID])
    assert r.exit_code == 0 and "3 pasase dihapus" in r.output
    r = runner.invoke(app, ["sources"])
    assert "remove" in r.output and "3 pasase dihapus" in r.output
    assert not any(DOC_ID in line and "berlaku" in line for line in r.output.splitlines())


def test_model_mismatch_is_explained_and_reindex_repairs(cli_env, monkeypatch):
    src, _ = cli_env
    assert runner.invoke(app, ["ingest", "-q", str(src)]).exit_code == 0
    other = OtherModel()
    monkeypatch.setattr("bot.wiring.build_embedder", lambda settings: other)
    r = runner.invoke(app, ["sources"])
    assert r.exit_code == 2, r.output
    assert "Gagal" in r.output and "reindex" in r.output and "model-lain-32" in r.output
    assert r.exception is None or isinstance(r.exception, SystemExit)  # no traceback
    monkeypatch.setattr("ingest.pipeline.default_sources", lambda: [(src, None)])
    r = runner.invoke(app, ["reindex"])
    assert r.exit_code == 0, r.output
    assert "tidak cocok" in r.output and "model-lain-32" in r.output
    assert other.embedded == 3
    r = runner.invoke(app, ["sources"])
    assert r.exit_code == 0 and DOC_ID in r.output
