"""Real servers as plain processes, as docker-compose would run them: `chroma run` and bot replicas.

    chroma = ChromaServer(tmp / "chroma"); chroma.start(); chroma.kill(); chroma.start()
    replica = Replica(env, port); await replica.start(); await replica.wait_ready(); replica.kill()
"""
from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def chroma_binary() -> str | None:
    here = Path(sys.executable).parent / "chroma"
    return str(here) if here.exists() else shutil.which("chroma")


class ChromaServer:
    """`chroma run --path PATH --host 127.0.0.1 --port PORT` (the chromadb package's server)."""

    def __init__(self, path: Path, port: int | None = None):
        self.path = Path(path)
        self.port = port or free_port()
        self.proc: subprocess.Popen | None = None
        self.log = self.path.parent / f"chroma-{self.port}.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def args(self) -> list[str]:
        """`chroma` arguments, as in docker-compose.yml's chroma service (other values)."""
        return ["run", "--path", str(self.path), "--host", "127.0.0.1", "--port", str(self.port)]

    def start(self, timeout: float = 30.0) -> None:
        binary = chroma_binary()
        if binary is None:
            raise RuntimeError("the `chroma` command (chromadb package) is not installed")
        env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [binary, *self.args()],
                stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"chroma run exited: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/api/v2/heartbeat", timeout=1, trust_env=False).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"chroma run did not answer in {timeout}s")

    def kill(self) -> None:
        """SIGKILL: the server vanishes mid-run."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


def ingest_fixture(url: str, doc_ids: list[str], paths: list[Path] = ()) -> int:
    """Ingest documents of the bundled corpus (and `paths`) into the Chroma server through HttpClient."""
    from bot.cli_ingest import ingest_sources
    from bot.settings import Settings
    from bot.wiring import build_store
    from ingest.manifest import load_manifest
    from ingest.manifest import CORPUS_DIR as CORPUS

    infos = {d.doc_id: d for d in load_manifest()}
    settings = Settings(_env_file=None, chroma_url=url, data_dir=Path("/nonexistent-not-used"))
    store = build_store(settings)
    targets = [str(CORPUS / infos[d].file) for d in doc_ids] + [str(p) for p in paths]
    ingest_sources(settings, targets, quiet=True, store=store)
    return store.count()


class Replica:
    """One bot replica in webhook mode: `python -m bot.cli run` with KEPEMILUAN_WEBHOOK_URL set."""

    def __init__(self, name: str, env: dict[str, str], port: int, log_dir: Path):
        self.name = name
        self.port = port
        self.env = {**os.environ, **env, "KEPEMILUAN_WEBHOOK_PORT": str(port),
                    "KEPEMILUAN_WEBHOOK_LISTEN": "127.0.0.1", "PYTHONPATH": str(ROOT)}
        self.log = Path(log_dir) / f"replica-{name}.log"
        self.proc: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "run"], cwd=ROOT, env=self.env,
                                         stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    async def wait_ready(self, timeout: float = 90.0) -> dict:
        deadline = time.monotonic() + timeout
        last = None
        async with httpx.AsyncClient(trust_env=False, timeout=5) as client:
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"replica {self.name} exited:\n{self.log.read_text()[-3000:]}")
                try:
                    resp = await client.get(f"{self.base}/readyz")
                    last = resp.json()
                    if resp.status_code == 200:
                        return last
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.2)
        raise RuntimeError(f"replica {self.name} not ready in {timeout}s: {last}\n{self.log.read_text()[-3000:]}")

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def pause(self) -> None:
        os.kill(self.proc.pid, signal.SIGSTOP)

    def stop(self, timeout: float = 20.0) -> int | None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        return self.proc.returncode if self.proc else None

    def output(self) -> str:
        return self.log.read_text() if self.log.exists() else ""
