"""Logging that never leaks secrets.

The bot token is part of every Bot API URL (`.../bot<TOKEN>/sendMessage`), so any library
that logs a URL or an exception about a request can print it. Two defences:

* `protect_secrets(...)` registers secret strings and installs, once per process, a
  log-record factory that replaces them with "[REDACTED]" in every record (message,
  arguments and formatted traceback) before any handler sees it, whatever handler or
  logger is used (pytest's caplog included). `RedactingFilter` does the same as a filter,
  for handlers configured elsewhere.
* `quiet_http_loggers()` sets httpx/httpcore request logging (which prints URLs) to WARNING.
"""
from __future__ import annotations

import logging
import threading
import traceback

REDACTED = "[REDACTED]"

_secrets: set[str] = set()
_ordered: tuple[str, ...] = ()  # longest first
_lock = threading.Lock()
_installed = False
_base_factory = logging.getLogRecordFactory()


def redact(text: str) -> str:
    for secret in _ordered:
        if secret in text:
            text = text.replace(secret, REDACTED)
    return text


def _scrub(record: logging.LogRecord) -> logging.LogRecord:
    if not _secrets:
        return record
    try:
        message = record.getMessage()
    except Exception:  # malformed args: leave formatting to the handler
        message = str(record.msg)
    cleaned = redact(message)
    if cleaned != message:
        record.msg, record.args = cleaned, None
    if record.exc_info and record.exc_info[0] is not None and not record.exc_text:
        text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        cleaned_exc = redact(text)
        if cleaned_exc != text:
            record.exc_text = cleaned_exc
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    return record


def _factory(*args, **kwargs) -> logging.LogRecord:
    return _scrub(_base_factory(*args, **kwargs))


class RedactingFilter(logging.Filter):
    """Filter for handlers: scrubs registered secrets from records (never drops them)."""

    def filter(self, record: logging.LogRecord) -> bool:
        _scrub(record)
        return True


def protect_secrets(*secrets: str | None) -> None:
    """Register secrets to redact from all log output of this process."""
    global _installed, _ordered
    with _lock:
        for s in secrets:
            if s and len(s) >= 6:
                _secrets.add(s)
                # the token's second half alone is the actual secret part
                if ":" in s:
                    _secrets.add(s.split(":", 1)[1])
        _ordered = tuple(sorted(_secrets, key=len, reverse=True))
        if not _installed:
            logging.setLogRecordFactory(_factory)
            _installed = True


def quiet_http_loggers() -> None:
    """URL-logging HTTP clients to WARNING (and two chatty libraries)."""
    for name in ("httpx", "httpcore", "hpack", "aiohttp.access", "apscheduler", "alembic.runtime.plugins"):
        logging.getLogger(name).setLevel(logging.WARNING)


def configure_logging(level: int | str = logging.INFO) -> None:
    """Process-wide logging for the bot's entry point (CLI, service)."""
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=level)
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())
    quiet_http_loggers()
