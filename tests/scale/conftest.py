"""Fixtures for the scale-out tests: a scratch PostgreSQL database per test session.

PostgreSQL is the local server (127.0.0.1:5432, trust auth; .ci/run starts it). Each session
creates its own database `kep_scale_<random>` and drops it afterwards (other test runs may share
the server). Without a reachable server the PostgreSQL variants are skipped.
"""
from __future__ import annotations

import pytest

from standins.postgres import PgDatabases, pg_available
from tests.conftest import skip_without_postgres


@pytest.fixture(scope="session")
def pg_databases():
    if not pg_available():
        skip_without_postgres("no local PostgreSQL on 127.0.0.1:5432 (.ci/run starts it)")
    dbs = PgDatabases()
    yield dbs
    dbs.drop_all()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """The same test on SQLite and on the local PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path}/shared.sqlite3"
    return request.getfixturevalue("pg_databases").create()


# ---------------------------------------------------------------------------- Chroma server

CHROMA_DOCS = ["uu-10-2016"]  # 163 passages: small enough to embed in a few seconds


@pytest.fixture(scope="session")
def chroma(tmp_path_factory):
    """A real `chroma run` server on 127.0.0.1 with the fixture document ingested through HttpClient."""
    from standins.servers import ChromaServer, chroma_binary, ingest_fixture

    # the chromadb package (a runtime dependency) installs it: missing means a broken install
    assert chroma_binary() is not None, "the `chroma` command is missing: reinstall with pip install -e '.[dev]'"
    server = ChromaServer(tmp_path_factory.mktemp("chroma") / "data")
    server.start()
    try:
        server.passages = ingest_fixture(server.url, CHROMA_DOCS)
        yield server
    finally:
        server.stop()
