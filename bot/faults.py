"""Which failures are a dependency being down for a while (retry later), not a bug.

`temporary_dependency(exc)` names the dependency ("chroma", "database") when `exc` (or an
exception it was raised from) says the Chroma server or the database could not be reached. The
error handler then tells the citizen, in Indonesian, that the service is temporarily disrupted
and to send the question again in a few minutes (messages.TEMPORARY) instead of the generic
error, and /metrics counts it.
"""
from __future__ import annotations

import sys


def _chain(exc: BaseException | None):
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


def _is_store_down(exc: BaseException) -> bool:
    store = sys.modules.get("knowledge.store")  # never import chromadb just to classify an error
    return store is not None and isinstance(exc, store.StoreUnavailable)


def _is_db_down(exc: BaseException) -> bool:
    try:
        from sqlalchemy import exc as sa_exc
    except ImportError:  # pragma: no cover
        return False
    if isinstance(exc, sa_exc.DBAPIError) and (exc.connection_invalidated or isinstance(
            exc, (sa_exc.OperationalError, sa_exc.InterfaceError))):
        return True
    if isinstance(exc, (ConnectionRefusedError, ConnectionResetError)):
        return True
    return type(exc).__module__.startswith("asyncpg") and "Connection" in type(exc).__name__


def temporary_dependency(exc: BaseException | None) -> str | None:
    for e in _chain(exc):
        if _is_store_down(e):
            return "chroma"
    for e in _chain(exc):
        if _is_db_down(e):
            return "database"
    return None
