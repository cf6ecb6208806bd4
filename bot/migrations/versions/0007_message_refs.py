"""Telegram message references keyed by (chat id, message id); groups Telegram migrated.

* tickets.card_chat_id: the chat the card's message id belongs to (Telegram's message ids are
  per chat: a new or migrated staff group reuses ids old cards had). Backfilled from the sent
  card rows of the outbox.
* outbox (chat_id, message_id): the index a staff reply's lookup uses.
* chat_moves: a group Telegram upgraded to a supergroup (migrate_to_chat_id) and its new id,
  so the desk follows the staff group there after a restart too.

Revision ID: 0007_message_refs
Revises: 0006_console
Create Date: 2026-12-02
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_message_refs"
down_revision: str | None = "0006_console"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("tickets", sa.Column("card_chat_id", sa.BigInteger(), nullable=True))
    op.execute(
        "UPDATE tickets SET card_chat_id = (SELECT o.chat_id FROM outbox o WHERE o.ticket_id = tickets.id "
        "AND o.purpose = 'card' AND o.status = 'sent' AND o.message_id = tickets.card_message_id "
        "ORDER BY o.id LIMIT 1) WHERE card_message_id IS NOT NULL"
    )
    op.create_index("ix_outbox_chat_message", "outbox", ["chat_id", "message_id"])
    op.create_table(
        "chat_moves",
        sa.Column("old_chat_id", sa.BigInteger(), nullable=False),
        sa.Column("new_chat_id", sa.BigInteger(), nullable=False),
        sa.Column("moved_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("old_chat_id", name=op.f("pk_chat_moves")),
    )


def downgrade() -> None:
    op.drop_table("chat_moves")
    op.drop_index("ix_outbox_chat_message", table_name="outbox")
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("card_chat_id")
