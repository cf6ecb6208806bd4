"""A bot whose answers need the embedding model loads it at start, not on the first question."""
import asyncio
import threading

from bot.app import stop_application
from tests.bot.conftest import start_bot
from tests.live_support import CountingEmbedder, seeded_engine


class LoadingEmbedder(CountingEmbedder):
    def __init__(self):
        super().__init__()
        self.loaded = threading.Event()

    @property
    def dimension(self) -> int:  # what knowledge.embed.Embedder loads the model for
        self.loaded.set()
        return 16


async def _started(stub, settings, tmp_path, fixture_passages, dense):
    emb = LoadingEmbedder()
    engine = seeded_engine(tmp_path / "chroma", fixture_passages, embedder=emb, dense=dense)
    harness = await start_bot(stub, settings, engine, store=engine.store)
    try:
        await asyncio.to_thread(emb.loaded.wait, 5.0)
    finally:
        await stop_application(harness.app)
    return emb


async def test_the_model_is_loaded_at_start_when_questions_embed(stub, settings, tmp_path, fixture_passages):
    emb = await _started(stub, settings, tmp_path, fixture_passages, dense=True)
    assert emb.loaded.is_set() and emb.embedded == 0  # loaded, nothing embedded yet


async def test_no_load_at_start_when_no_question_needs_the_model(stub, settings, tmp_path, fixture_passages):
    emb = LoadingEmbedder()
    engine = seeded_engine(tmp_path / "chroma", fixture_passages, embedder=emb, dense=False)
    harness = await start_bot(stub, settings, engine, store=engine.store)
    await asyncio.sleep(0.5)
    await stop_application(harness.app)
    assert not emb.loaded.is_set()
