"""Commands: /start, /bantuan, /sumber, /petugas, /hapusdata (and unknown commands)."""
from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType

from ..buttons import delete_keyboard
from ..context import BotContext
from .budget import budgeted
from ..keyboards import markup
from ..render import esc, render_documents
from ..texts import citizen as m
from ..texts import desk as dm


@budgeted
async def on_start(update: Update, context: BotContext) -> None:
    days = context.services.settings.log_retention_days
    await update.effective_message.reply_text(m.WELCOME.format(days=days))


@budgeted
async def on_help(update: Update, context: BotContext) -> None:
    await update.effective_message.reply_text(m.HELP.format(username=esc(context.bot.username or "bot")))


@budgeted
async def on_sources(update: Update, context: BotContext) -> None:
    documents = await context.services.ask.documents()
    for chunk in render_documents(documents):
        await update.effective_message.reply_text(chunk)


@budgeted
async def on_staff(update: Update, context: BotContext) -> None:
    """/petugas [pesan]: open a «permintaan petugas» ticket (about the message, else the last question)."""
    msg, chat = update.effective_message, update.effective_chat
    parts = (msg.text or "").split(maxsplit=1)
    ticket, created = await context.services.ask.staff_from_command(
        user_id=update.effective_user.id, chat_id=chat.id, chat_type=chat.type, message_id=msg.message_id,
        note=parts[1].strip() if len(parts) > 1 else "",
    )
    if not created:
        await msg.reply_text(dm.already_open(ticket))


@budgeted
async def on_delete(update: Update, context: BotContext) -> None:
    """/hapusdata: ask for confirmation with Ya / Batal buttons."""
    msg = update.effective_message
    if update.effective_chat.type != ChatType.PRIVATE:
        await msg.reply_text(m.DELETE_PRIVATE_ONLY)
        return
    await msg.reply_text(m.DELETE_CONFIRM, reply_markup=markup(delete_keyboard()))


@budgeted
async def on_unknown_command(update: Update, context: BotContext) -> None:
    await update.effective_message.reply_text(m.UNKNOWN_COMMAND)
