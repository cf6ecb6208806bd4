"""The deployment serves the console: Caddy routes /konsol/* to the replicas, compose points the
login links at the public https host, and webhook mode mounts the console beside /tg/*."""
from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_caddy_routes_the_console_and_compose_points_links_at_https():
    caddy = (ROOT / "deploy" / "Caddyfile").read_text()
    assert "@console path /konsol /konsol/*" in caddy and "handle @console" in caddy
    assert caddy.count("import replicas") == 2  # the same replicas as the webhook
    env = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["bot"]["environment"]
    assert env["KEPEMILUAN_CONSOLE_URL"] == "https://${KEPEMILUAN_PUBLIC_HOST}"


async def test_webhook_app_serves_the_console_beside_the_webhook(stub, tmp_path, fake_engine):
    import httpx
    from pydantic import SecretStr

    from bot.web import WebhookRunner

    from .conftest import console_settings

    settings = console_settings(stub, tmp_path, webhook_url="https://bot.example.go.id/tg/abc",
                                webhook_secret=SecretStr("rahasia"))
    from bot.app import build_application

    runner = WebhookRunner(settings, application=build_application(settings, fake_engine))
    await runner.services.db.migrate()
    token = await runner.services.console.auth.issue_login(2001, "Sari", ["staff"])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=runner.asgi), base_url="https://bot.example.go.id") as c:
        assert (await c.get("/konsol/api/session")).status_code == 401
        r = await c.get(f"/konsol/masuk/{token}")
        assert r.status_code == 303 and "secure" in r.headers["set-cookie"].lower()  # behind https
        assert (await c.get("/konsol/api/session")).json()["user_id"] == 2001
        assert (await c.get("/konsol/static/console.js")).status_code == 200
        assert (await c.post("/tg/abc", json={})).status_code == 403  # the webhook is still there
    assert settings.console_base_url == "https://bot.example.go.id"
    await runner.services.db.close()
    runner.services.executor.shutdown(wait=False)


async def test_webhook_runner_serves_the_console_on_both_ports(stub, tmp_path, fake_engine):
    import httpx
    from pydantic import SecretStr

    from bot.app import build_application
    from bot.web import WebhookRunner

    from .conftest import console_settings
    from .test_browser import free_port

    hook, console = free_port(), free_port()
    settings = console_settings(stub, tmp_path, webhook_url="https://bot.example.go.id/tg/abc",
                                webhook_secret=SecretStr("rahasia"), webhook_listen="127.0.0.1",
                                webhook_port=hook, console_port=console)
    runner = WebhookRunner(settings, application=build_application(settings, fake_engine))
    await runner.start()
    try:
        async with httpx.AsyncClient(trust_env=False) as c:
            for port in (hook, console):
                r = await c.get(f"http://127.0.0.1:{port}/konsol/api/session")
                assert r.status_code == 401 and "belum masuk" in r.json()["error"], port
    finally:
        await runner.stop()
