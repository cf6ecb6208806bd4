"""The whole database schema: every model module, imported so that `Base.metadata` holds all
tables (Alembic's autogenerate and the schema tests compare against it)."""
from __future__ import annotations

from . import audit, dedupe, outbox_store, persistence, shared, tickets  # noqa: F401  (they register their tables)
from .application import console  # noqa: F401,E402  (the web console's sessions)
from .db import Base

__all__ = ["Base"]
