"""Commands: /start, /bantuan, /sumber, /petugas, /hapusdata (and unknown commands)."""
from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from .. import messages as m
from ..keyboards import delete_keyboard
from ..render import esc, render_documents
from ..services import services
from .staff import file_staff_request


async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    days = services(context).settings.log_retention_days
    await update.effective_message.reply_text(m.WELCOME.format(days=days))


async def on_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text(m.HELP.format(username=esc(context.bot.username or "bot")))


async def on_sources(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    documents = await services(context).documents()
    for chunk in render_documents(documents):
        await update.effective_message.reply_text(chunk)


async def on_staff(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/petugas [pesan]: record the request (the ticket desk comes in a later issue)."""
    svc = services(context)
    msg = update.effective_message
    parts = (msg.text or "").split(maxsplit=1)
    note = parts[1].strip() if len(parts) > 1 else ""
    latest = await svc.db.latest_conversation(svc.pseudonym(update.effective_user.id))
    request_id = await file_staff_request(
        context,
        user_id=update.effective_user.id,
        chat_id=update.effective_chat.id,
        conversation_id=None if note or latest is None else latest.id,
        message=note or (latest.question if latest else ""),
    )
    await msg.reply_text(m.STAFF_RECORDED.format(id=request_id))


async def on_delete(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/hapusdata: ask for confirmation with Ya / Batal buttons."""
    msg = update.effective_message
    if update.effective_chat.type != ChatType.PRIVATE:
        await msg.reply_text(m.DELETE_PRIVATE_ONLY)
        return
    await msg.reply_text(m.DELETE_CONFIRM, reply_markup=delete_keyboard())


async def on_unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text("Perintah itu tidak saya kenal. Lihat /bantuan.")
