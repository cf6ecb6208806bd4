"""Shared fixtures. No test may touch the network: any non-loopback connection fails the test."""
from __future__ import annotations

import ipaddress
import os
import socket
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

CORPUS = Path(__file__).resolve().parents[1] / "ingest" / "corpus"
# A small fixture corpus: the Pilkada law with its two amendments, one repealed law, one news page.
FIXTURE_DOCS = ["uu-1-2015", "uu-8-2015", "uu-10-2016", "uu-8-2012"]

def skip_without_postgres(reason: str) -> None:
    """Skip a PostgreSQL case when no server answers, except where the run requires PostgreSQL
    (KEPEMILUAN_REQUIRE_PG=1, as .ci/run sets): there a missing server fails the test."""
    if os.environ.get("KEPEMILUAN_REQUIRE_PG") == "1":
        pytest.fail(f"PostgreSQL is required (KEPEMILUAN_REQUIRE_PG=1) but unavailable: {reason}")
    pytest.skip(reason)


class NetworkBlocked(RuntimeError):
    pass


def _is_local(address) -> bool:
    if isinstance(address, (str, bytes)):  # AF_UNIX path
        return True
    host = address[0]
    if host in ("localhost", "", None):
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def socket_guard(monkeypatch):
    """Fail any connection (or name lookup) that would leave the loopback interface."""
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def connect(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address):
            raise NetworkBlocked(f"test tried to reach the network: {address!r}")
        return real_connect(self, address)

    def connect_ex(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address):
            raise NetworkBlocked(f"test tried to reach the network: {address!r}")
        return real_connect_ex(self, address)

    def getaddrinfo(host, *args, **kwargs):
        h = host.decode() if isinstance(host, bytes) else host
        if h not in (None, "", "localhost") and not _is_local((h, 0)):
            raise NetworkBlocked(f"test tried to resolve a network name: {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield


@pytest.fixture(scope="session")
def fixture_passages():
    from ingest.manifest import load_manifest
    from ingest.pipeline import prepare_path

    out = []
    infos = {d.doc_id: d for d in load_manifest()}
    for doc in FIXTURE_DOCS:
        info = infos[doc]
        out.extend(prepare_path(CORPUS / info.file, info)[2])
    out.extend(prepare_path(CORPUS / "news" / "bawaslu-boyolali-2023-penandatanganan-mou.txt")[2])
    return out


@pytest.fixture(scope="session")
def engine(fixture_passages):
    """The real knowledge engine over the fixture corpus (lexical; no Chroma needed)."""
    from knowledge.engine import Engine

    return Engine(fixture_passages)
