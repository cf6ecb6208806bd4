"""Live re-ingestion (ingest.live.LiveIndex): atomic version switches, no partial writes."""
from __future__ import annotations

import threading
import time

import pytest

from ingest.live import LiveIndex
from ingest.load import LoadError
from tests.live_support import DOC_ID, CountingEmbedder, perbawaslu, seeded_engine

QUESTIONS = [
    "Berapa jumlah akun resmi kampanye di media sosial?",
    "Berapa lama konten kampanye media sosial yang melanggar harus diturunkan?",
]
OLD = ("20 (dua puluh) akun", "1 x 24 (satu kali dua puluh empat) jam")
NEW = ("30 (tiga puluh) akun", "2 x 24 (dua kali dua puluh empat) jam")


class SlowEmbedder(CountingEmbedder):
    """Slow enough that many questions land while a version is being written."""

    def embed_documents(self, texts):
        time.sleep(0.15)
        return super().embed_documents(texts)


@pytest.fixture
def live(tmp_path, fixture_passages):
    engine = seeded_engine(tmp_path / "chroma", fixture_passages, embedder=SlowEmbedder(), dense=True)
    return LiveIndex(engine, engine.store)


def _load(text: str, name: str = "perbawaslu-9-2099.md"):
    from ingest.load import load_bytes

    return load_bytes(text.encode(), name)


def test_reingest_switches_atomically_while_questions_run(live):
    engine = live.engine
    live.ingest_loaded(_load(perbawaslu(1)))
    # make version 2 big enough to take a while: extra articles in several embedding batches
    extra = "\n\n".join(f"Pasal {i}\nKetentuan tambahan nomor {i} tentang pengawasan kampanye." for i in range(4, 200))
    v2 = perbawaslu(2).replace("Pasal 3\nPeraturan Badan ini mulai berlaku pada tanggal diundangkan.", extra)
    seen: list[tuple[float, set[int], str]] = []  # (asked at, versions cited, quoted text)
    errors: list[BaseException] = []
    stop = threading.Event()

    def ask_forever():
        i = 0
        while not stop.is_set():
            started = time.monotonic()
            try:
                ans = engine.answer(QUESTIONS[i % 2])
            except BaseException as e:  # noqa: BLE001
                errors.append(e)
                return
            versions = {s.passage.version for s in ans.sources if s.passage.doc_id == DOC_ID}
            seen.append((started, versions, " ".join(q.text for q in ans.quotes)))  # by when it was asked
            i += 1

    # The first question of a process imports the decision model's scikit-learn (1.5 s on a slow
    # machine, longer than this ingestion): run alone, the test saw no question during it.
    engine.answer(QUESTIONS[0])
    threads = [threading.Thread(target=ask_forever) for _ in range(2)]
    for t in threads:
        t.start()
    time.sleep(0.2)
    t0 = time.monotonic()
    report = live.ingest_loaded(_load(v2))
    switched = time.monotonic()
    deadline = switched + 10
    while time.monotonic() < deadline and len([s for s in seen if s[0] > switched]) < 4 and not errors:
        time.sleep(0.05)
    stop.set()
    for t in threads:
        t.join()
    assert not errors
    assert report.summary.version == 2 and report.summary.embedded > 64
    during = [s for s in seen if t0 <= s[0] <= switched]
    assert len(during) >= 3  # questions really ran during the ingestion
    for _, versions, text in seen:
        assert versions in ({1}, {2}), versions  # never nothing, never two versions at once
        if versions == {1}:
            assert not any(n in text for n in NEW)
        else:
            assert not any(o in text for o in OLD)
    assert any(v == {1} for _, v, _ in during)  # the old set was served until the switch
    after = [s for s in seen if s[0] > switched]
    assert after and all(v == {2} for _, v, _ in after)
    assert any(NEW[0] in t or NEW[1] in t for _, _, t in after)
    # the store holds the new version only
    stored = [p for p in live.store.all()[0] if p.doc_id == DOC_ID]
    assert {p.version for p in stored} == {2}


def test_failed_write_leaves_previous_version(live, monkeypatch):
    live.ingest_loaded(_load(perbawaslu(1)))
    rows = live.store.count()

    def broken(*a, **kw):
        raise RuntimeError("index build failed")

    monkeypatch.setattr(live.engine, "replace_document", broken)
    with pytest.raises(RuntimeError):
        live.ingest_loaded(_load(perbawaslu(2)))
    assert live.store.count() == rows  # the staged rows were deleted again
    assert {p.version for p in live.engine.document_passages(DOC_ID)} == {1}
    monkeypatch.undo()
    report = live.ingest_loaded(_load(perbawaslu(2)))  # and a later try works
    assert report.summary.version == 2


def test_unchanged_content_embeds_nothing_and_keeps_version(live):
    live.ingest_loaded(_load(perbawaslu(1)))
    before = live.store.embedder.embedded
    report = live.ingest_loaded(_load(perbawaslu(1), "lagi.md"))
    assert (report.summary.added, report.summary.removed, report.summary.embedded) == (0, 0, 0)
    assert live.store.embedder.embedded == before
    assert {p.version for p in live.engine.document_passages(DOC_ID)} == {1}


def test_remove_and_status(live):
    live.ingest_loaded(_load(perbawaslu(1)))
    assert live.set_status(DOC_ID, "dicabut", "uu-7-2017") == 3
    ans = live.engine.answer(QUESTIONS[0])
    assert [w.kind for w in ans.warnings] == ["dicabut"] and "dicabut" in ans.warnings[0].text
    assert live.set_status(DOC_ID, "berlaku") == 3
    assert {p.status_by for p in live.store.all()[0] if p.doc_id == DOC_ID} == {None}
    assert live.remove(DOC_ID) == 3
    assert live.engine.document_passages(DOC_ID) == []
    assert not [p for p in live.store.all()[0] if p.doc_id == DOC_ID]
    assert live.remove(DOC_ID) == 0


def test_text_without_passages_is_refused(live):
    with pytest.raises(LoadError):
        live.ingest_bytes(b"", "kosong.md")
