"""All update handlers, registered in one place (`register`)."""
from __future__ import annotations

from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from ..buttons import ADMIN_REMOVE, DELETE, ESCALATE, FAQ, FEEDBACK, PASSAGE, STAFF, TICKET
from ..settings import Settings
from .admin import INGEST_CAPTION, on_admin_sources, on_ingest, on_ingest_document, on_remove, on_remove_choice, on_status
from .callbacks import on_delete_choice, on_feedback, on_passage, on_stale_button, on_staff_button
from .commands import on_delete, on_help, on_sources, on_staff, on_start, on_unknown_command
from .console import on_console
from .desk import (
    StaffChat,
    on_chat_migrated,
    on_faq_button,
    on_queue,
    on_staff_reply,
    on_ticket,
    on_ticket_button,
    on_withdraw_faq,
)
from .errors import on_error
from .media import on_document, on_media
from .questions import on_group_text, on_tanya
from .report import on_cancel_outside, report_conversation

ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]

NEW = filters.UpdateType.MESSAGE
NEW_OR_EDITED = filters.UpdateType.MESSAGE | filters.UpdateType.EDITED_MESSAGE
PRIVATE = filters.ChatType.PRIVATE
MEDIA = (
    filters.Sticker.ALL
    | filters.PHOTO
    | filters.VOICE
    | filters.AUDIO
    | filters.VIDEO
    | filters.VIDEO_NOTE
    | filters.ANIMATION
    | filters.LOCATION
    | filters.VENUE
    | filters.CONTACT
)


def _admin_handlers(admin_ids: list[int]) -> list:
    """Admin commands (handlers/admin.py); they refuse non-admins themselves."""
    caption_ingest = PRIVATE & NEW & filters.Document.ALL & filters.CaptionRegex(INGEST_CAPTION)
    out = [
        CommandHandler("ingest", on_ingest, filters=NEW),
        CommandHandler("hapus", on_remove, filters=NEW),
        CommandHandler("status", on_status, filters=NEW),
        MessageHandler(caption_ingest, on_ingest_document),
        CallbackQueryHandler(on_remove_choice, pattern=ADMIN_REMOVE.pattern),
    ]
    if admin_ids:  # admins get the detailed /sumber; everyone else the citizen list
        out.insert(0, CommandHandler("sumber", on_admin_sources, filters=NEW & PRIVATE & filters.User(admin_ids)))
    return out


def register(app: Application, settings: Settings) -> None:
    staff_chat = settings.staff_chat_id
    desk_replies = (
        [MessageHandler(StaffChat(app) & NEW_OR_EDITED & filters.REPLY & filters.TEXT & ~filters.COMMAND, on_staff_reply)]
        if staff_chat is not None
        else []
    )
    app.add_handlers(
        [CommandHandler("konsol", on_console, filters=NEW)]  # /konsol (bot/handlers/console.py) first
        + _admin_handlers(settings.admin_ids) + [
            MessageHandler(filters.StatusUpdate.MIGRATE, on_chat_migrated),  # a group became a supergroup
            CommandHandler("start", on_start, filters=NEW),
            CommandHandler(["bantuan", "help"], on_help, filters=NEW),
            CommandHandler("tanya", on_tanya, filters=NEW_OR_EDITED),
            CommandHandler("sumber", on_sources, filters=NEW),
            CommandHandler("petugas", on_staff, filters=NEW),
            CommandHandler("hapusdata", on_delete, filters=NEW),
            CommandHandler("antrian", on_queue, filters=NEW),
            CommandHandler("tiket", on_ticket, filters=NEW),
            CommandHandler("tarikfaq", on_withdraw_faq, filters=NEW),
            # private text (questions) and the violation-report intake (/lapor, /batal, evidence)
            report_conversation(persistent=app.persistence is not None),
            CommandHandler("batal", on_cancel_outside, filters=NEW),
            MessageHandler(PRIVATE & NEW & filters.COMMAND, on_unknown_command),
            *desk_replies,
            MessageHandler(filters.ChatType.GROUPS & NEW_OR_EDITED & filters.TEXT & ~filters.COMMAND, on_group_text),
            MessageHandler(PRIVATE & NEW & filters.Document.ALL, on_document),
            MessageHandler(PRIVATE & NEW & MEDIA, on_media),
            MessageHandler(PRIVATE & NEW & ~filters.TEXT & ~filters.StatusUpdate.ALL, on_media),
            CallbackQueryHandler(on_ticket_button, pattern=TICKET.pattern),
            CallbackQueryHandler(on_faq_button, pattern=FAQ.pattern),
            CallbackQueryHandler(on_feedback, pattern=FEEDBACK.pattern),
            CallbackQueryHandler(on_passage, pattern=PASSAGE.pattern),
            CallbackQueryHandler(on_staff_button, pattern=STAFF.pattern),
            CallbackQueryHandler(on_staff_button, pattern=ESCALATE.pattern),
            CallbackQueryHandler(on_delete_choice, pattern=DELETE.pattern),
            CallbackQueryHandler(on_stale_button),
        ]
    )
    app.add_error_handler(on_error)
