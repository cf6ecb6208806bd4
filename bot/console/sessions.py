"""The console's login link, logout and session routes."""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from ..application.console import Principal
from ..texts import console as cm
from .base import COOKIE, PREFIX, ConsoleBase


class SessionRoutes(ConsoleBase):
    async def login(self, request: Request) -> Response:
        if request.method != "GET":  # a link checker's HEAD must not spend the one-time link
            return Response(status_code=200, headers={"Cache-Control": "no-store"})
        redeemed = await self.c.auth.redeem(request.path_params["token"])
        if redeemed is None:
            return self._message(request, cm.LINK_REFUSED, 403)
        session, who = redeemed
        await self._audit(who, "konsol-masuk", "konsol", ",".join(who.roles))
        target = f"{PREFIX}/" if who.is_staff else f"{PREFIX}/dasbor"
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(COOKIE, session, max_age=int(self.c.auth.session_ttl.total_seconds()), path=PREFIX,
                            httponly=True, samesite="strict", secure=self.secure)
        response.headers["Referrer-Policy"] = "no-referrer"  # the link's token never leaves in a Referer
        response.headers["Cache-Control"] = "no-store"
        return response

    async def logout(self, request: Request, who: Principal) -> Response:
        await self.c.auth.logout(request.cookies.get(COOKIE, ""))
        await self._audit(who, "konsol-keluar", "konsol", "sesi ini")
        response = JSONResponse({"ok": True})
        response.delete_cookie(COOKIE, path=PREFIX, httponly=True, samesite="strict", secure=self.secure)
        return response

    async def session(self, request: Request, who: Principal) -> Response:
        return JSONResponse({"user_id": who.user_id, "roles": list(who.roles), "csrf": who.csrf, "name": who.name})
