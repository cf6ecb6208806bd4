"""Shared fixtures. No test may touch the network: any non-loopback connection fails the test."""
from __future__ import annotations

import ipaddress
import os
import socket
from pathlib import Path

import pytest

os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

CORPUS = Path(__file__).resolve().parents[1] / "ingest" / "corpus"
# A small fixture corpus: the Pilkada law with its two amendments, one repealed law, one news page.
FIXTURE_DOCS = ["uu-1-2015", "uu-8-2015", "uu-10-2016", "uu-8-2012"]

_real_connect = socket.socket.connect


def _loopback(addr) -> bool:
    host = addr[0] if isinstance(addr, tuple) else addr
    if isinstance(host, (bytes,)) or not isinstance(host, str):
        return True  # unix sockets
    if host in ("localhost",):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def _no_network(monkeypatch):
    def guarded(self, addr):
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _loopback(addr):
            raise AssertionError(f"test tried to reach the network: {addr!r}")
        return _real_connect(self, addr)

    monkeypatch.setattr(socket.socket, "connect", guarded)
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
