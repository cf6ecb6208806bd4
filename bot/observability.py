"""Structured JSON logs with a request id per update.

    configure_json_logging()         # one JSON object per line on stderr, secrets redacted
    request_id.get()                 # "u<update_id>-<random>" inside a handler, "-" elsewhere

The request id is a contextvar. `bind_update(update)` sets it; a TypeHandler registered in the
first handler group (`register_request_ids`) calls it for every update in polling mode, and the
webhook endpoint (bot.web) calls it before processing. Every log record made while handling the
update (handlers, the error handler, the DB, flood control) carries it, so the lines of one
update can be found across replicas.

Privacy rule: message text is never logged above DEBUG; records only carry ids, decisions and
timings. The token and webhook secret are redacted by bot.logs before any handler sees a record.
"""
from __future__ import annotations

import contextvars
import datetime as dtm
import json
import logging
import secrets
import sys

from .logs import RedactingFilter, quiet_http_loggers, redact

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

REQUEST_ID_GROUP = -1000  # before every other handler group


def new_request_id(update_id: int | None) -> str:
    return f"u{update_id if update_id is not None else 'x'}-{secrets.token_hex(3)}"


def bind_update(update: object) -> str:
    """Set the request id for the update being handled (keeps one already set for it)."""
    update_id = getattr(update, "update_id", None)
    current = request_id.get()
    if update_id is not None and current.startswith(f"u{update_id}-"):
        return current
    rid = new_request_id(update_id)
    request_id.set(rid)
    return rid


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record: ts, level, logger, msg, request_id (+ exc, extra fields)."""

    RESERVED = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "request_id", "asctime"}

    def format(self, record: logging.LogRecord) -> str:
        out = {
            "ts": dtm.datetime.fromtimestamp(record.created, dtm.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or request_id.get(),
        }
        for key, value in record.__dict__.items():  # `extra={...}` fields
            if key not in self.RESERVED and not key.startswith("_"):
                out[key] = value if isinstance(value, (str, int, float, bool, type(None))) else repr(value)
        if record.exc_info:
            out["exc"] = record.exc_text or self.formatException(record.exc_info)
        if record.stack_info:
            out["stack"] = record.stack_info
        return redact(json.dumps(out, ensure_ascii=False, default=str))


def configure_json_logging(level: int | str = logging.INFO, stream=None) -> logging.Handler:
    """Replace the root handlers with one JSON handler (secrets redacted, request ids added)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    quiet_http_loggers()
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)  # access lines carry no request id
    return handler


def register_request_ids(app) -> None:
    """Polling mode: give each update a request id before any other handler runs."""
    from telegram.ext import TypeHandler

    async def _bind(update, _context) -> None:
        bind_update(update)

    app.add_handler(TypeHandler(object, _bind), group=REQUEST_ID_GROUP)
