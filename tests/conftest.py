"""Shared fixtures. No test may touch the network: any non-loopback connection fails the test."""
from __future__ import annotations

import asyncio
import gc
import io
import ipaddress
import os
import socket
import sys
import threading
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


# A test still running after this many seconds gets the stack of every pending asyncio task printed
# to stderr (once), so a hang in CI says where it awaits; pytest's faulthandler_timeout prints every
# thread's stack at the same time, and pytest-timeout fails the test later (pyproject.toml).
WATCHDOG_S = float(os.environ.get("KEPEMILUAN_TEST_WATCHDOG_S", "120"))


def dump_pending_tasks(title: str) -> None:
    """The stack of each task of each running asyncio loop (the loop runs in the main thread, this
    in a timer thread: the loop is found among the live objects)."""
    buf = io.StringIO()
    for obj in gc.get_objects():
        if isinstance(obj, asyncio.AbstractEventLoop) and obj.is_running():
            try:
                tasks = list(asyncio.all_tasks(obj))
            except RuntimeError:  # the set changed while we walked it
                continue
            buf.write(f"\n===== {title}: {len(tasks)} asyncio tasks =====\n")
            for task in tasks:
                buf.write(f"--- {task!r}\n")
                task.print_stack(limit=12, file=buf)
    sys.__stderr__.write(buf.getvalue())


@pytest.fixture(autouse=True)
def hang_watchdog(request):
    timer = threading.Timer(WATCHDOG_S, dump_pending_tasks,
                            args=(f"{request.node.nodeid} still running after {WATCHDOG_S:.0f}s",))
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


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
