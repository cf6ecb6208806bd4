"""The web console's login links and sessions (hashes only; issue 14).

Revision ID: 0006_console
Revises: 0005_outbox_claims
Create Date: 2026-12-02
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_console"
down_revision: str | None = "0005_outbox_claims"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _token_table(name: str, closed_column: str) -> None:
    """A console token table: login links (closed when used) and sessions (closed when revoked)."""
    op.create_table(
        name,
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("roles", sa.String(32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(closed_column, sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("token_hash", name=op.f(f"pk_{name}")),
    )
    op.create_index(op.f(f"ix_{name}_user_id"), name, ["user_id"])
    op.create_index(op.f(f"ix_{name}_expires_at"), name, ["expires_at"])


def upgrade() -> None:
    _token_table("console_login_tokens", "used_at")
    _token_table("console_sessions", "revoked_at")


def downgrade() -> None:
    op.drop_table("console_sessions")
    op.drop_table("console_login_tokens")
