"""The HTTP layer with Starlette's TestClient (its own event loop in a thread): the interface's
refusals need no bot — 401 without a session, a link that works once, 403 without the CSRF token,
staff kept out of the admin pages."""
from __future__ import annotations

import asyncio
from types import SimpleNamespace

from starlette.applications import Starlette
from starlette.testclient import TestClient

from bot.application.console import Console as ConsoleServices
from bot.audit import AdminLog
from bot.console.app import Console
from bot.db import Database
from bot.settings import Settings


def test_interface_refusals_over_testclient(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path}/c.sqlite3"

    async def prepare():
        db = Database(url)
        await db.migrate()
        auth = ConsoleServices.build(db).auth
        links = [await auth.issue_login(2001, "Sari", ["staff"]), await auth.issue_login(4242, "Adi", ["admin"])]
        await db.close()  # the TestClient's loop opens its own connections
        return links

    staff_link, admin_link = asyncio.run(prepare())
    db = Database(url)
    svc = SimpleNamespace(console=ConsoleServices.build(db), settings=Settings(_env_file=None), admin_log=AdminLog(db))
    app = Starlette(routes=Console(svc, None).routes())
    with TestClient(app, base_url="http://testserver") as client:
        assert client.get("/konsol/api/session").status_code == 401
        assert client.get("/konsol/api/tickets").status_code == 401
        assert client.post("/konsol/api/tickets/1/reply", json={"text": "x"}).status_code == 401

        r = client.get(f"/konsol/masuk/{staff_link}", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/konsol/"
        session = client.get("/konsol/api/session").json()
        assert session["user_id"] == 2001 and session["roles"] == ["staff"]
        assert client.get("/konsol/api/tickets").json() == []
        r = client.post("/konsol/api/tickets/1/reply", json={"text": "tanpa token"})
        assert r.status_code == 403 and "CSRF" in r.json()["error"]
        assert client.get("/konsol/pengetahuan").status_code == 403

        other = TestClient(app, base_url="http://testserver")
        assert other.get(f"/konsol/masuk/{staff_link}", follow_redirects=False).status_code == 403  # used
        assert other.get(f"/konsol/masuk/{admin_link}", follow_redirects=False).status_code == 303
        assert other.get("/konsol/api/tickets").status_code == 403  # an admin who is not staff

        csrf = {"X-CSRF-Token": session["csrf"]}
        assert client.post("/konsol/api/keluar", headers=csrf).status_code == 200
        assert client.get("/konsol/api/session").status_code == 401
