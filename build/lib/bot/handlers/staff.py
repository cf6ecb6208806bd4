"""Recording a citizen's request for a human (the ticket desk comes in a later issue)."""
from __future__ import annotations

from telegram.ext import ContextTypes

from ..services import services


async def file_staff_request(
    context: ContextTypes.DEFAULT_TYPE, *, user_id: int, chat_id: int, conversation_id: int | None, message: str
) -> int:
    """Record a request for a human; a second tap on the same answer reuses the first."""
    svc = services(context)
    pseudonym = svc.pseudonym(user_id)
    if conversation_id is not None:
        existing = await svc.db.find_staff_request(pseudonym, conversation_id)
        if existing is not None:
            return existing.id
    return await svc.db.add_staff_request(
        user_pseudonym=pseudonym, chat_id=chat_id, conversation_id=conversation_id, message=message
    )
