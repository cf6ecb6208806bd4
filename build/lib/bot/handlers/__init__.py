"""All update handlers, registered in one place (`register`)."""
from __future__ import annotations

from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from ..keyboards import DELETE, FEEDBACK, PASSAGE, STAFF
from .callbacks import on_delete_choice, on_feedback, on_passage, on_stale_button, on_staff_button
from .commands import on_delete, on_help, on_sources, on_staff, on_start, on_unknown_command
from .errors import on_error
from .media import on_document, on_media
from .questions import on_group_text, on_private_text, on_tanya

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


def register(app: Application) -> None:
    app.add_handlers(
        [
            CommandHandler("start", on_start, filters=NEW),
            CommandHandler(["bantuan", "help"], on_help, filters=NEW),
            CommandHandler("tanya", on_tanya, filters=NEW_OR_EDITED),
            CommandHandler("sumber", on_sources, filters=NEW),
            CommandHandler("petugas", on_staff, filters=NEW),
            CommandHandler("hapusdata", on_delete, filters=NEW),
            MessageHandler(PRIVATE & NEW & filters.COMMAND, on_unknown_command),
            MessageHandler(PRIVATE & NEW_OR_EDITED & filters.TEXT & ~filters.COMMAND, on_private_text),
            MessageHandler(filters.ChatType.GROUPS & NEW_OR_EDITED & filters.TEXT & ~filters.COMMAND, on_group_text),
            MessageHandler(PRIVATE & NEW & filters.Document.ALL, on_document),
            MessageHandler(PRIVATE & NEW & MEDIA, on_media),
            MessageHandler(PRIVATE & NEW & ~filters.TEXT & ~filters.StatusUpdate.ALL, on_media),
            CallbackQueryHandler(on_feedback, pattern=FEEDBACK),
            CallbackQueryHandler(on_passage, pattern=PASSAGE),
            CallbackQueryHandler(on_staff_button, pattern=STAFF),
            CallbackQueryHandler(on_delete_choice, pattern=DELETE),
            CallbackQueryHandler(on_stale_button),
        ]
    )
    app.add_error_handler(on_error)
