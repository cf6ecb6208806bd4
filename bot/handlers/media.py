"""Messages that are not text: a clear Indonesian reply for each kind, never a crash.

Only in private chats (in groups people share photos with each other; the bot stays quiet).
A caption on a photo/video/document is answered as a question after the notice.
Documents from admins (settings.admin_ids) without the /ingest caption are downloaded to
data_dir/inbox; replying /ingest to one ingests it (handlers/admin.py).
"""
from __future__ import annotations

import logging
import re
from datetime import UTC, datetime

from telegram import Update

from ..context import BotContext
from .budget import budgeted
from ..privacy import inbox_tag
from ..render import esc
from ..texts import admin as am
from ..texts import citizen as m
from .questions import answer_question

log = logging.getLogger(__name__)

MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024  # Bot API getFile limit


def _kind_reply(msg) -> str:
    if msg.sticker:
        return m.STICKER
    if msg.photo:
        return m.PHOTO
    if msg.voice or msg.audio or msg.video_note:
        return m.VOICE
    if msg.video or msg.animation:
        return m.VIDEO
    if msg.location or msg.venue:
        return m.LOCATION
    if msg.contact:
        return m.CONTACT
    if msg.document:
        return m.DOCUMENT
    return m.OTHER


@budgeted
async def on_media(update: Update, context: BotContext) -> None:
    msg = update.effective_message
    await msg.reply_text(_kind_reply(msg))
    if msg.caption and msg.caption.strip():
        await answer_question(update, context, msg.caption, notices=[m.CAPTION])


def _safe_name(name: str | None) -> str:
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", name or "berkas")
    return name.strip("._")[:100] or "berkas"


async def on_document(update: Update, context: BotContext) -> None:
    msg = update.effective_message
    svc = context.services
    if update.effective_user.id not in svc.settings.admin_ids:
        await on_media(update, context)
        return
    doc = msg.document
    cap = min(MAX_DOWNLOAD_BYTES, svc.settings.ingest_max_bytes or MAX_DOWNLOAD_BYTES)
    if doc.file_size and doc.file_size > cap:
        await msg.reply_text(m.ADMIN_DOC_TOO_BIG)
        return
    inbox = svc.settings.data_dir / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    # tagged with the uploader's pseudonym: /hapusdata finds their files (bot/privacy.py)
    target = inbox / f"{stamp}-{inbox_tag(svc.ask.pseudonym(update.effective_user.id))}-{_safe_name(doc.file_name)}"
    file = await doc.get_file()
    if file.file_size and file.file_size > cap:
        await msg.reply_text(m.ADMIN_DOC_TOO_BIG)
        return
    await file.download_to_drive(target)
    if target.stat().st_size > cap:  # file_size was missing (optional in the Bot API): checked after all
        target.unlink(missing_ok=True)
        await msg.reply_text(m.ADMIN_DOC_TOO_BIG)
        return
    size_kb = max(1, round(target.stat().st_size / 1024))
    log.info("admin document saved to %s", target)
    await msg.reply_text(am.DOC_SAVED.format(name=esc(doc.file_name or target.name), size=size_kb))
