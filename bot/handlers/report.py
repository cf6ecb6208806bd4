"""Violation-report intake: a ConversationHandler asking for UU 1/2015 Pasal 134 ayat (3)'s facts.

Entry:
- a private message the engine escalates as a violation report: the ticket (kind «laporan
  pelanggaran») is opened at once with the message as the account, then the intake starts;
- /lapor: the bot first asks for the account, then opens the ticket.
Steps, one at a time: the reporter's name and address (may decline) → the person reported →
time and place → evidence (photos or documents, kept by file_id; «Selesai» / «Tidak ada bukti»).
The 7-day deadline of Pasal 134 ayat (4) is stated, and that a chat is not a formal report until
staff confirm it. /batal cancels (the ticket is closed and staff are told).

Each answer is written to the ticket at once, and the conversation state is persisted
(bot/persistence.py), so a restart continues the report where it was.

This handler also owns ordinary private text: its text entry point answers every question
through `on_private_text` and only stays in the conversation for a report.
"""
from __future__ import annotations

import logging
import warnings
from telegram import Update
from telegram.constants import ChatType
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from ..application.desk import IN_PROGRESS, NewTicket, ReportRefused
from ..buttons import REPORT, evidence_keyboard, reporter_keyboard
from ..context import BotContext
from .budget import budgeted
from ..keyboards import markup
from ..texts import desk as dm
from ..tickets import LAPORAN, Ticket
from .questions import on_private_text

log = logging.getLogger(__name__)

ACCOUNT, REPORTER, REPORTED, WHEN_WHERE, EVIDENCE = range(5)
END = ConversationHandler.END

PRIVATE = filters.ChatType.PRIVATE
TEXT = PRIVATE & filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND
EVIDENCE_FILES = PRIVATE & filters.UpdateType.MESSAGE & (filters.PHOTO | filters.Document.ALL)
REPORT_DECLINED = REPORT.pattern_for("anon")
REPORT_DONE = REPORT.pattern_for("done", "none")
OTHER = PRIVATE & filters.UpdateType.MESSAGE & ~filters.TEXT & ~filters.StatusUpdate.ALL


def _pseudonym(update: Update, context: BotContext) -> str:
    return context.services.ask.pseudonym(update.effective_user.id)


# ------------------------------------------------------------------ entry points


@budgeted
async def on_text_entry(update: Update, context: BotContext) -> int | None:
    """Any private text: answered as a question; a violation report starts the intake.

    None (not END) for a plain question: it leaves the conversation table alone, so a question
    handled concurrently with a report cannot end that report's intake.
    """
    ticket = await on_private_text(update, context)
    if ticket is not None and ticket.kind == LAPORAN and (ticket.report or {}).get("state") == IN_PROGRESS:
        return REPORTER
    return None


@budgeted
async def on_report_command(update: Update, context: BotContext) -> int:
    """/lapor: start a report from scratch."""
    msg = update.effective_message
    if update.effective_chat.type != ChatType.PRIVATE:
        await msg.reply_text(dm.REPORT_IN_GROUP)
        return END
    await msg.reply_text(dm.REPORT_INTRO + "\n\n" + dm.ASK_ACCOUNT)
    return ACCOUNT


# ------------------------------------------------------------------ steps


@budgeted
async def on_account(update: Update, context: BotContext) -> int:
    msg, chat, user = update.effective_message, update.effective_chat, update.effective_user
    text = msg.text.strip()
    if not text:
        await msg.reply_text(dm.ASK_ACCOUNT)
        return ACCOUNT
    refused = context.services.desk.field_refusal(text)
    if refused is not None:
        await msg.reply_text(refused)
        return ACCOUNT
    ticket, created = await context.services.desk.open(NewTicket(
        kind=LAPORAN, chat_id=chat.id, chat_type=chat.type, pseudonym=context.services.ask.pseudonym(user.id),
        question=text, reason="lapor_command", origin=f"msg:{chat.id}:{msg.message_id}",
        report={"account": text, "state": IN_PROGRESS}, after=[(dm.ASK_REPORTER, reporter_keyboard())],
    ))
    if not created:  # the cap per citizen: no new report
        await msg.reply_text(dm.already_open(ticket))
        return END
    return REPORTER


STAY = object()  # a refused step: asked again


async def _save(update: Update, context: BotContext, name: str, value: str | dict[str, str]):
    """The step's ticket; None (told: the report is not active) or STAY (told why not stored)."""
    try:
        ticket = await context.services.desk.report_step(_pseudonym(update, context), name, value)
    except ReportRefused as refused:
        await context.bot.send_message(update.effective_chat.id, refused.text,
                                       reply_markup=markup(evidence_keyboard()) if name == "evidence" else None)
        return STAY
    if ticket is None:
        await context.bot.send_message(update.effective_chat.id, dm.REPORT_INACTIVE)
    return ticket


@budgeted
async def on_reporter(update: Update, context: BotContext) -> int:
    saved = await _save(update, context, "reporter", update.effective_message.text.strip())
    if saved is None or saved is STAY:
        return END if saved is None else None
    await update.effective_message.reply_text(dm.ASK_REPORTED)
    return REPORTED


@budgeted
async def on_reporter_declined(update: Update, context: BotContext) -> int:
    query = update.callback_query
    await query.answer()
    saved = await _save(update, context, "reporter", dm.DECLINED)
    if saved is None or saved is STAY:
        return END if saved is None else None
    await context.bot.send_message(update.effective_chat.id, dm.ASK_REPORTED)
    return REPORTED


@budgeted
async def on_reported(update: Update, context: BotContext) -> int:
    saved = await _save(update, context, "reported", update.effective_message.text.strip())
    if saved is None or saved is STAY:
        return END if saved is None else None
    await update.effective_message.reply_text(dm.ASK_WHEN_WHERE)
    return WHEN_WHERE


@budgeted
async def on_when_where(update: Update, context: BotContext) -> int:
    saved = await _save(update, context, "when_where", update.effective_message.text.strip())
    if saved is None or saved is STAY:
        return END if saved is None else None
    await update.effective_message.reply_text(dm.ASK_EVIDENCE, reply_markup=markup(evidence_keyboard()))
    return EVIDENCE


@budgeted
async def on_evidence(update: Update, context: BotContext) -> int:
    msg = update.effective_message
    if msg.photo:
        item = {"type": "photo", "file_id": msg.photo[-1].file_id}
    else:
        item = {"type": "document", "file_id": msg.document.file_id, "name": msg.document.file_name or ""}
    ticket = await _save(update, context, "evidence", item)
    if ticket is None or ticket is STAY:
        return END if ticket is None else None
    await msg.reply_text(dm.EVIDENCE_GOT.format(n=len(ticket.report["evidence"])), reply_markup=markup(evidence_keyboard()))
    return EVIDENCE


@budgeted
async def on_evidence_text(update: Update, context: BotContext) -> int:
    if update.effective_message.text.strip().lower() in ("selesai", "tidak ada", "tidak ada bukti"):
        return await _finish(update, context)
    await update.effective_message.reply_text(dm.EVIDENCE_ONLY, reply_markup=markup(evidence_keyboard()))
    return EVIDENCE


@budgeted
async def on_evidence_done(update: Update, context: BotContext) -> int:
    await update.callback_query.answer()
    return await _finish(update, context)


async def _finish(update: Update, context: BotContext) -> int:
    """The facts are complete: staff get the follow-up and the evidence, the citizen a notice."""
    await context.services.desk.finish_report(_pseudonym(update, context))
    return END


@budgeted
async def on_text_only(update: Update, context: BotContext) -> int | None:
    await update.effective_message.reply_text(dm.TEXT_ONLY)
    return None  # stay in the same step


@budgeted
async def on_cancel(update: Update, context: BotContext) -> int:
    """/batal: the report is withdrawn; staff are told; the ticket is closed."""
    await context.services.desk.cancel_report(_pseudonym(update, context))
    await update.effective_message.reply_text(dm.REPORT_CANCELLED)
    return END


@budgeted
async def on_cancel_outside(update: Update, context: BotContext) -> None:
    await update.effective_message.reply_text(dm.NOTHING_TO_CANCEL)


def report_conversation(*, persistent: bool) -> ConversationHandler:
    private_text = PRIVATE & (filters.UpdateType.MESSAGE | filters.UpdateType.EDITED_MESSAGE) & filters.TEXT & ~filters.COMMAND
    with warnings.catch_warnings():
        # per_message=False with CallbackQueryHandlers is intended: the buttons belong to the chat's report
        warnings.simplefilter("ignore", PTBUserWarning)
        return ConversationHandler(
            entry_points=[
                CommandHandler("lapor", on_report_command, filters=filters.UpdateType.MESSAGE),
                MessageHandler(private_text, on_text_entry),
            ],
            states={
                ACCOUNT: [MessageHandler(TEXT, on_account)],
                REPORTER: [MessageHandler(TEXT, on_reporter), CallbackQueryHandler(on_reporter_declined, pattern=REPORT_DECLINED)],
                REPORTED: [MessageHandler(TEXT, on_reported)],
                WHEN_WHERE: [MessageHandler(TEXT, on_when_where)],
                EVIDENCE: [
                    MessageHandler(EVIDENCE_FILES, on_evidence),
                    MessageHandler(TEXT, on_evidence_text),
                    CallbackQueryHandler(on_evidence_done, pattern=REPORT_DONE),
                ],
            },
            fallbacks=[
                CommandHandler("batal", on_cancel),
                MessageHandler(OTHER, on_text_only),
            ],
            name="laporan",
            persistent=persistent,
            allow_reentry=False,
        )
