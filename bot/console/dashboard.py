"""The console's dashboard: what citizens ask (staff and admins), and its tables as CSV."""
from __future__ import annotations

import csv
import io
from typing import Any

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from ..application.console import Principal, csv_tables
from ..texts import console as cm
from . import charts
from .base import ConsoleBase


class DashboardRoutes(ConsoleBase):
    async def dashboard(self, request: Request, who: Principal) -> Response:
        stats = await self.c.insights.stats()
        queue = await self.c.inbox.queue()
        return self._page(request, "dashboard.html", who, s=stats, queue=queue,
                          daily=Markup(charts.decisions_chart(stats.days)),
                          feedback=Markup(charts.feedback_chart(stats.days)),
                          ages=Markup(charts.bars(stats.open_by_age)), tables=list(csv_tables(stats)))

    async def dashboard_csv(self, request: Request, who: Principal) -> Response:
        tables = csv_tables(await self.c.insights.stats())
        name = request.path_params["table"]
        if name not in tables:
            return PlainTextResponse(cm.NOT_FOUND, status_code=404)
        header, rows = tables[name]
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(header)
        for row in rows:
            writer.writerow([_csv_safe(v) for v in row])
        return Response(out.getvalue(), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="konsol-{name}.csv"'})


def _csv_safe(value: Any) -> Any:
    """No spreadsheet formulas from citizens' texts (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
