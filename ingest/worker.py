"""The parsing worker: PDF and HTML parsing (third-party code on untrusted bytes) in a child
process with a time cap, a memory cap and a page cap, stopped when it runs over.

    doc = run_parser(data, "application/pdf", source="upload.pdf")

One long-lived child (``python -m ingest.worker``) has the parsers imported and serves one
document at a time over a pipe (JSON, no pickles). Over its time the child is killed and the
next document starts a fresh one; the memory cap is the child's address-space limit
(RLIMIT_AS), and a child that ran out of memory is replaced too. The child never imports the
caller's main module and inherits no threads or event loop.
"""
from __future__ import annotations

import atexit
import json
import logging
import os
import subprocess
import sys
import threading
from dataclasses import asdict, dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from .document import LoadedDocument, LoadError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ParseLimits:
    timeout_s: float = 120.0  # wall clock for one document
    memory_bytes: int = 2 * 1024**3  # address space of the child, imported parsers included
    max_pages: int = 1000


DEFAULT_LIMITS = ParseLimits()
_STARTUP_S = 120.0  # importing the parsers, not counted in a document's time
_ROOT = str(Path(__file__).resolve().parents[1])


def _limit_error(what: str) -> LoadError:
    return LoadError("parse_limit", f"Berkas terlalu berat untuk diproses: {what}. Pecah atau sederhanakan berkasnya.")


class _Child:
    """The running worker process and its two pipe ends."""

    def __init__(self, memory_bytes: int):
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [_ROOT, env.get("PYTHONPATH")]))
        self.memory_bytes = memory_bytes
        self.proc = subprocess.Popen([sys.executable, "-m", "ingest.worker", str(memory_bytes)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, close_fds=True)
        self.to = Connection(os.dup(self.proc.stdin.fileno()), readable=False)
        self.fro = Connection(os.dup(self.proc.stdout.fileno()), writable=False)
        self.proc.stdin.close()
        self.proc.stdout.close()
        if not self.fro.poll(_STARTUP_S) or self.fro.recv_bytes() != b"ready":
            self.stop()
            raise _limit_error("pengurai berkas tidak dapat dijalankan")

    def stop(self) -> None:
        for conn in (self.to, self.fro):
            conn.close()
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(10)


_lock = threading.Lock()
_child: _Child | None = None


def _stop_child() -> None:
    global _child
    if _child is not None:
        _child.stop()
        _child = None


atexit.register(_stop_child)


def _ask(child: _Child, data: bytes, media: str, kw: dict, limits: ParseLimits) -> dict:
    try:
        child.to.send_bytes(json.dumps({"media": media, "kw": kw, "max_pages": limits.max_pages}).encode())
        child.to.send_bytes(data)
        if not child.fro.poll(limits.timeout_s):
            log.warning("parsing worker: %s over %.0f s, stopped", kw.get("source"), limits.timeout_s)
            _stop_child()
            raise _limit_error(f"waktu pemrosesan melebihi {limits.timeout_s:g} detik")
        return json.loads(child.fro.recv_bytes())
    except (EOFError, OSError):  # the child died without a word: the memory limit, usually
        _stop_child()
        return {"status": "memory"}


def run_parser(data: bytes, media: str, *, limits: ParseLimits | None = None, **kw) -> LoadedDocument:
    """Parse in the worker; LoadError('parse_limit') when it runs over time or memory."""
    global _child
    limits = limits or DEFAULT_LIMITS
    with _lock:
        if _child is not None and (_child.proc.poll() is not None or _child.memory_bytes != limits.memory_bytes):
            _stop_child()
        if _child is None:
            _child = _Child(limits.memory_bytes)
        reply = _ask(_child, data, media, kw, limits)
        if reply["status"] == "memory":
            _stop_child()
    status = reply["status"]
    if status == "ok":
        return LoadedDocument(**reply["doc"])
    if status == "error":
        raise LoadError(reply["code"], reply["message"])
    if status == "memory":
        raise _limit_error(f"memori melebihi {limits.memory_bytes / 1024**2:.0f} MB")
    log.warning("parsing worker crashed on %s: %s", kw.get("source"), reply.get("detail"))
    raise _limit_error("pengurai berkas gagal")


# -- the child ------------------------------------------------------------------------------------


def _serve_one(fro: Connection, to: Connection, parse_data) -> bool:
    try:
        request = json.loads(fro.recv_bytes())
        data = fro.recv_bytes()
    except EOFError:  # the parent is gone
        return False
    try:
        doc = parse_data(data, request["media"], max_pages=request["max_pages"], **request["kw"])
        reply = {"status": "ok", "doc": asdict(doc)}
    except LoadError as exc:
        reply = {"status": "error", "code": exc.code, "message": exc.message}
    except MemoryError:
        reply = {"status": "memory"}
    except Exception as exc:  # noqa: BLE001  reported to the parent, which decides
        reply = {"status": "crash", "detail": f"{type(exc).__name__}: {exc}"[:500]}
    to.send_bytes(json.dumps(reply, ensure_ascii=False).encode())
    return reply["status"] != "memory"  # after a MemoryError, start afresh


def _main(memory_bytes: int) -> None:
    import resource

    fro, to = Connection(os.dup(0), writable=False), Connection(os.dup(1), readable=False)
    os.dup2(2, 1)  # stray prints from a library must not corrupt the pipe
    from .formats import parse_data
    from .formats import html as _html, pdf as _pdf  # noqa: F401  import the parsers before the cap
    import pdfminer.high_level  # noqa: F401
    import trafilatura  # noqa: F401

    try:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    except (ValueError, OSError):
        log.warning("parsing worker: no memory cap on this platform")
    to.send_bytes(b"ready")
    while _serve_one(fro, to, parse_data):
        pass


if __name__ == "__main__":
    _main(int(sys.argv[1]))
