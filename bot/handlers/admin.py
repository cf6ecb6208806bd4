"""Admin commands (KEPEMILUAN_ADMIN_IDS, private chat): live re-ingestion of the knowledge base.

    document with caption /ingest, or /ingest as a reply to a document   upload → getFile → ingest
    /ingest <url>                                                        download (httpx, capped)
    /sumber                                                              sources with counts, status,
                                                                         version, ingest time, audit log
    /hapus <doc_id>                                                      remove, after a confirmation
    /status <doc_id> berlaku|diubah|dicabut [oleh <doc_id>]              correct the legal status
    /status <doc_id> pasal N [ayat M] [huruf x] dimaknai|… oleh <doc_id>  record one article's effect

Ingestion runs in a worker thread (`asyncio.to_thread`): questions keep being answered while a
large document is parsed and embedded; a progress message is edited in place meanwhile.
Everyone else is refused politely. Every change is written to the audit log (bot.audit).
"""
from __future__ import annotations

import asyncio
import logging
import re
import secrets
import time

from telegram import Message, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, TelegramError

from ingest.live import status_label
from ingest.load import LoadError
from knowledge.model import STATUSES

from .. import article_status
from ..application.knowledge_base import IndexFailure
from ..buttons import ADMIN_REMOVE, remove_keyboard
from ..context import BotContext
from ..jobs import JAKARTA
from ..keyboards import markup
from ..render import esc, split_html
from ..texts import admin as am

log = logging.getLogger(__name__)

INGEST_CAPTION = re.compile(r"^\s*/ingest(?:@\w+)?(?:\s|$)", re.I)


def _is_admin(update: Update, context: BotContext) -> bool:
    user = update.effective_user
    return bool(user and user.id in context.services.settings.admin_ids)


def actor(update: Update) -> str:
    user = update.effective_user
    name = f" (@{user.username})" if user and user.username else ""
    return f"telegram:{user.id}{name}" if user else "telegram:?"


async def _guard(update: Update, context: BotContext) -> bool:
    """True when the sender may use admin commands here; otherwise answers why not."""
    msg = update.effective_message
    if not _is_admin(update, context):
        await msg.reply_text(am.NOT_ADMIN)
        return False
    if update.effective_chat.type != ChatType.PRIVATE:
        await msg.reply_text(am.PRIVATE_ONLY)
        return False
    if not context.services.knowledge.can_ingest:
        await msg.reply_text(am.NOT_AVAILABLE)
        return False
    return True


# ------------------------------------------------------------------------------ progress


class ProgressMessage:
    """Edits one message in place from the ingestion thread, at most every `interval` seconds."""

    def __init__(self, message: Message, name: str, loop: asyncio.AbstractEventLoop, interval: float):
        self.message = message
        self.name = name
        self.loop = loop
        self.interval = interval
        self.t0 = time.monotonic()
        self.last = 0.0
        self.futures: list = []
        self.last_text = message.text_html if message.text else ""

    def __call__(self, stage: str, done: int, total: int) -> None:  # worker thread
        now = time.monotonic()
        if done == 0 or now - self.last < self.interval:
            return
        self.last = now
        text = am.PROGRESS.format(name=esc(self.name), done=done, total=total, seconds=now - self.t0)
        self.futures.append(asyncio.run_coroutine_threadsafe(self.edit(text), self.loop))

    async def edit(self, text: str) -> None:
        if text == self.last_text:
            return
        self.last_text = text
        try:
            await self.message.edit_text(text)
        except BadRequest as exc:  # "message is not modified" and the like
            log.debug("progress edit failed: %s", exc)
        except TelegramError as exc:
            log.info("progress edit failed: %s", exc)

    async def finish(self, text: str) -> None:
        for fut in self.futures:  # progress edits first, then the summary
            try:
                await asyncio.wrap_future(fut)
            except Exception:  # noqa: BLE001
                pass
        chunks = split_html(text)
        await self.edit(chunks[0])
        for chunk in chunks[1:]:
            await self.message.reply_text(chunk)


# ------------------------------------------------------------------------------ ingestion


def _summary(name: str, report) -> str:
    s = report.summary
    fmt = dict(name=esc(name), recognised=esc(report.recognised), doc_id=esc(s.doc_id), version=s.version,
               state=esc(s.state), added=s.added, removed=s.removed, unchanged=s.unchanged,
               total=report.passages, seconds=s.seconds)
    if s.state == "tidak berubah":
        text = am.UNCHANGED.format(**fmt)
    else:
        text = am.DONE.format(**fmt)
        if report.previous_version:
            text += "\n" + am.PREVIOUS.format(version=report.previous_version)
    for w in report.warnings:
        text += "\n" + am.WARNING.format(text=esc(w))
    return text


async def _run_ingest(update: Update, context: BotContext, *, name: str, document=None, url: str | None = None) -> None:
    svc = context.services
    kb, msg, limit = svc.knowledge, update.effective_message, svc.settings.ingest_max_bytes
    if document is not None and document.file_size and document.file_size > limit:
        await msg.reply_text(am.TOO_BIG.format(name=esc(name), limit=f"{limit / 1_000_000:g}"))
        await kb.record_failure(actor(update), name, am.TOO_BIG_REASON)
        return
    status = await msg.reply_text((am.DOWNLOADING if url else am.STARTED).format(name=esc(name)))
    progress = ProgressMessage(status, name, asyncio.get_running_loop(), svc.settings.ingest_progress_seconds)
    t0 = time.perf_counter()
    try:
        if url:
            loaded = await kb.fetch(url)
            await progress.edit(am.STARTED.format(name=esc(name)))
            report = await kb.ingest(loaded, actor=actor(update), progress=progress)
        else:
            data = bytes(await (await document.get_file()).download_as_bytearray())
            report = await kb.ingest_bytes(data, document.file_name or name, actor=actor(update),
                                           content_type=document.mime_type, progress=progress)
    except LoadError as exc:
        await progress.finish(am.FAILED.format(name=esc(name), reason=esc(exc.message)))
        await kb.record_failure(actor(update), name, exc.message)
        return
    except IndexFailure as exc:  # e.g. the index was built with another embedding model
        log.error("ingestion of %s failed: %s", name, exc.__cause__)
        await progress.finish(am.FAILED.format(name=esc(name), reason=exc.reason))
        return
    except Exception:
        log.exception("ingestion of %s failed", name)
        await progress.finish(am.ERROR.format(name=esc(name)))
        return
    report.summary.seconds = time.perf_counter() - t0  # the whole job, download included
    await progress.finish(_summary(name, report))


async def on_ingest(update: Update, context: BotContext) -> None:
    """/ingest <url>, or /ingest as a reply to a document."""
    if not await _guard(update, context):
        return
    msg = update.effective_message
    args = context.args or []
    if args:
        await _run_ingest(update, context, name=args[0], url=args[0])
        return
    replied = msg.reply_to_message
    if replied is not None and replied.document is not None:
        doc = replied.document
        await _run_ingest(update, context, name=doc.file_name or "berkas", document=doc)
        return
    await msg.reply_text(am.INGEST_USAGE)


async def on_ingest_document(update: Update, context: BotContext) -> None:
    """A document sent with the caption /ingest."""
    if not await _guard(update, context):
        return
    doc = update.effective_message.document
    await _run_ingest(update, context, name=doc.file_name or "berkas", document=doc)


# ------------------------------------------------------------------------------ /sumber


def _when(dt) -> str:
    if dt is None:
        return am.BUNDLED
    return dt.astimezone(JAKARTA).strftime("%d-%m-%Y %H:%M WIB")


async def on_admin_sources(update: Update, context: BotContext) -> None:
    svc = context.services
    docs = await svc.knowledge.documents()
    latest = await svc.admin_log.latest_versions()
    audit = await svc.admin_log.recent(10)
    lines = [am.SOURCES_HEADER.format(n=len(docs), passages=sum(d["passages"] for d in docs))]
    for d in docs:
        v = latest.get(d["doc_id"])
        status = status_label(d["status"], d.get("status_by"))
        lines.append(
            f"• <code>{esc(d['doc_id'])}</code> — {esc(d['title'][:90])}\n"
            f"  {d['passages']} pasase · {esc(status)} · versi {d['version']} · dimuat {_when(v.ingested_at if v else None)}"
        )
        for e in d.get("effects") or []:  # issue 11: what this ruling / regulation does to other articles
            item = am.SOURCES_EFFECT_ITEM.format(item=esc(e["item"])) if e.get("item") else ""
            lines.append(am.SOURCES_EFFECT.format(kind=esc(e["kind"]), target=esc(e.get("target", "")), item=item))
    admin_effects = svc.knowledge.admin_effects()
    if admin_effects:
        lines += ["", am.SOURCES_ADMIN_EFFECTS]
        lines += [f"• <code>{esc(article_status.describe(e))}</code>" for e in admin_effects]
    pending = svc.knowledge.pending_effects()
    if pending:
        lines += ["", am.SOURCES_PENDING_EFFECTS]
        lines += [f"• <code>{esc(article_status.describe(e))}</code>" for e in pending]
    lines.append("")
    lines.append(am.SOURCES_AUDIT)
    if not audit:
        lines.append(am.SOURCES_NO_AUDIT)
    for a in audit:
        lines.append(f"• {_when(a.at)} · {esc(a.actor)} · {esc(a.action)} <code>{esc(a.doc_id)}</code>"
                     + (f" — {esc(a.detail[:160])}" if a.detail else ""))
    for chunk in split_html("\n".join(lines)):
        await update.effective_message.reply_text(chunk)


# ------------------------------------------------------------------------------ /hapus


async def on_remove(update: Update, context: BotContext) -> None:
    if not await _guard(update, context):
        return
    svc, msg = context.services, update.effective_message
    if not context.args:
        await msg.reply_text(am.REMOVE_USAGE)
        return
    doc_id = context.args[0].strip()
    doc = next((d for d in await svc.knowledge.documents() if d["doc_id"] == doc_id), None)
    if doc is None:
        await msg.reply_text(am.UNKNOWN_DOC.format(doc_id=esc(doc_id)))
        return
    token = secrets.token_urlsafe(6)
    svc.pending_removals[token] = doc_id
    await msg.reply_text(am.REMOVE_CONFIRM.format(title=esc(doc["title"][:150]), doc_id=esc(doc_id),
                                                  passages=doc["passages"]), reply_markup=markup(remove_keyboard(token)))


async def on_remove_choice(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if not _is_admin(update, context):
        await query.answer(am.NOT_ADMIN[:190], show_alert=True)
        return
    token, choice = ADMIN_REMOVE.match(query.data).groups()
    doc_id = context.services.pending_removals.pop(token, None)
    await query.answer()
    if doc_id is None:
        text = am.CONFIRM_EXPIRED
    elif choice == "n":
        text = am.REMOVE_CANCELLED.format(doc_id=esc(doc_id))
    else:
        n = await context.services.knowledge.remove(doc_id, actor=actor(update))
        text = am.REMOVED.format(doc_id=esc(doc_id), passages=n) if n else am.REMOVE_GONE.format(doc_id=esc(doc_id))
    if isinstance(query.message, Message):
        await query.edit_message_text(text)
    else:
        await context.bot.send_message(query.from_user.id, text)


# ------------------------------------------------------------------------------ /status


def _status_args(args: list[str]) -> tuple[str, str, str | None] | None:
    if len(args) < 2 or (len(args) > 2 and (args[2].lower() != "oleh" or len(args) != 4)):
        return None
    return args[0], args[1].lower(), args[3].strip(",") if len(args) == 4 else None


async def on_status(update: Update, context: BotContext) -> None:
    if not await _guard(update, context):
        return
    kb, msg = context.services.knowledge, update.effective_message
    if article_status.is_article_command(context.args or []):  # issue 11: one article's effect
        await _on_article_status(update, context)
        return
    parsed = _status_args(context.args or [])
    if parsed is None:
        await msg.reply_text(am.STATUS_USAGE)
        return
    doc_id, status, by = parsed
    if status not in STATUSES:
        await msg.reply_text(am.STATUS_BAD.format(status=esc(status)))
        return
    if not kb.has(doc_id):
        await msg.reply_text(am.UNKNOWN_DOC.format(doc_id=esc(doc_id)))
        return
    change = await kb.set_status(doc_id, status, by, actor=actor(update))
    text = am.STATUS_DONE.format(doc_id=esc(doc_id), label=esc(status_label(status, change.status_by)),
                                 passages=change.passages)
    if change.unknown_by:
        text += "\n" + am.STATUS_UNKNOWN_BY.format(by=esc(change.status_by))
    await msg.reply_text(text)


async def _on_article_status(update: Update, context: BotContext) -> None:
    """/status <doc> pasal N [ayat M] [huruf x] <efek> oleh <sumber> (or … berlaku to clear)."""
    msg = update.effective_message
    command = article_status.parse(context.args or [])
    if isinstance(command, str):
        await msg.reply_text(command)
        return
    change = await context.services.knowledge.set_article_effect(command, actor=actor(update))
    t = command.target
    where = t.location()
    if command.kind == article_status.CLEAR:
        text = am.ARTICLE_STATUS_CLEARED.format(where=esc(where), doc_id=esc(t.doc_id))
    else:
        text = am.ARTICLE_STATUS_DONE.format(where=esc(where), doc_id=esc(t.doc_id), kind=esc(command.kind),
                                             by=esc(command.by))
        if not change.target_known:
            text += "\n" + am.ARTICLE_STATUS_PENDING.format(doc_id=esc(t.doc_id))
    await msg.reply_text(text)


async def on_not_admin_document(update: Update, context: BotContext) -> None:
    """Refusal for /ingest captions from non-admins (nothing is downloaded)."""
    await update.effective_message.reply_text(am.NOT_ADMIN)
