"""Admin commands (KEPEMILUAN_ADMIN_IDS, private chat): live re-ingestion of the knowledge base.

    document with caption /ingest, or /ingest as a reply to a document   upload → getFile → ingest
    /ingest <url>                                                        download (httpx, capped)
    /sumber                                                              sources with counts, status,
                                                                         version, ingest time, audit log
    /hapus <doc_id>                                                      remove, after a confirmation
    /status <doc_id> berlaku|diubah|dicabut [oleh <doc_id>]              correct the legal status

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

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from ingest.live import status_label
from ingest.load import LoadError
from knowledge.model import DICABUT, DIUBAH, STATUSES
from knowledge.store import IndexMismatch, StoreError

from .. import admin_messages as am
from .. import article_status
from ..render import esc, split_html
from ..services import services

log = logging.getLogger(__name__)

CALLBACK = re.compile(r"^ah:([A-Za-z0-9_-]{1,16}):([yn])$")
INGEST_CAPTION = re.compile(r"^\s*/ingest(?:@\w+)?(?:\s|$)", re.I)
PENDING = "admin_pending_removals"


def _is_admin(update: Update, context) -> bool:
    user = update.effective_user
    return bool(user and user.id in services(context).settings.admin_ids)


def actor(update: Update) -> str:
    user = update.effective_user
    name = f" (@{user.username})" if user and user.username else ""
    return f"telegram:{user.id}{name}" if user else "telegram:?"


async def _guard(update: Update, context) -> bool:
    """True when the sender may use admin commands here; otherwise answers why not."""
    msg = update.effective_message
    if not _is_admin(update, context):
        await msg.reply_text(am.NOT_ADMIN)
        return False
    if update.effective_chat.type != ChatType.PRIVATE:
        await msg.reply_text(am.PRIVATE_ONLY)
        return False
    if services(context).live is None:
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


async def _run_ingest(update: Update, context, *, name: str, document=None, url: str | None = None) -> None:
    svc = services(context)
    msg = update.effective_message
    limit = svc.settings.ingest_max_bytes
    if document is not None and document.file_size and document.file_size > limit:
        await msg.reply_text(am.TOO_BIG.format(name=esc(name), limit=f"{limit / 1_000_000:g}"))
        if svc.admin_log:
            await svc.admin_log.record(actor(update), "ingest-failed", name, "berkas terlalu besar")
        return
    status = await msg.reply_text((am.DOWNLOADING if url else am.STARTED).format(name=esc(name)))
    progress = ProgressMessage(status, name, asyncio.get_running_loop(), svc.settings.ingest_progress_seconds)
    t0 = time.perf_counter()
    try:
        if url:
            loaded = await svc.live.fetch(url)
            await progress.edit(am.STARTED.format(name=esc(name)))
            report = await asyncio.to_thread(svc.live.ingest_loaded, loaded, progress=progress)
        else:
            file = await document.get_file()
            data = bytes(await file.download_as_bytearray())
            report = await asyncio.to_thread(svc.live.ingest_bytes, data, document.file_name or name,
                                             content_type=document.mime_type, progress=progress)
    except LoadError as exc:
        await progress.finish(am.FAILED.format(name=esc(name), reason=esc(exc.message)))
        if svc.admin_log:
            await svc.admin_log.record(actor(update), "ingest-failed", name[:200], exc.message)
        return
    except StoreError as exc:  # e.g. the index was built with another embedding model
        log.error("ingestion of %s failed: %s", name, exc)
        reason = ("indeks tidak cocok dengan model embedding yang dipakai sekarang; operator perlu menjalankan "
                  "<code>kepemiluan reindex</code>." if isinstance(exc, IndexMismatch) else "indeks tidak dapat dihubungi.")
        await progress.finish(am.FAILED.format(name=esc(name), reason=reason))
        return
    except Exception:
        log.exception("ingestion of %s failed", name)
        await progress.finish(am.ERROR.format(name=esc(name)))
        return
    report.summary.seconds = time.perf_counter() - t0  # the whole job, download included
    if svc.admin_log:
        await svc.admin_log.record_ingest(actor(update), report)
    await progress.finish(_summary(name, report))


async def on_ingest(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
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


async def on_ingest_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A document sent with the caption /ingest."""
    if not await _guard(update, context):
        return
    doc = update.effective_message.document
    await _run_ingest(update, context, name=doc.file_name or "berkas", document=doc)


# ------------------------------------------------------------------------------ /sumber


def _when(dt) -> str:
    if dt is None:
        return am.BUNDLED
    from ..app import JAKARTA

    return dt.astimezone(JAKARTA).strftime("%d-%m-%Y %H:%M WIB")


async def on_admin_sources(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = services(context)
    docs = await svc.documents()
    latest = await svc.admin_log.latest_versions() if svc.admin_log else {}
    audit = await svc.admin_log.recent(10) if svc.admin_log else []
    lines = [am.SOURCES_HEADER.format(n=len(docs), passages=sum(d["passages"] for d in docs))]
    for d in docs:
        v = latest.get(d["doc_id"])
        status = status_label(d["status"], d.get("status_by"))
        lines.append(
            f"• <code>{esc(d['doc_id'])}</code> — {esc(d['title'][:90])}\n"
            f"  {d['passages']} pasase · {esc(status)} · versi {d['version']} · dimuat {_when(v.ingested_at if v else None)}"
        )
        for e in d.get("effects") or []:  # issue 11: what this ruling / regulation does to other articles
            lines.append(f"  ↳ {esc(e['kind'])} <code>{esc(e.get('target', ''))}</code>"
                         + (f" (amar {esc(e['item'])})" if e.get("item") else ""))
    admin_effects = svc.live.engine.admin_effects() if svc.live is not None else []
    if admin_effects:
        lines.append("")
        lines.append("📌 <b>Efek pasal yang dicatat admin</b>")
        lines += [f"• <code>{esc(article_status.describe(e))}</code>" for e in admin_effects]
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


async def on_remove(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if not await _guard(update, context):
        return
    svc = services(context)
    msg = update.effective_message
    if not context.args:
        await msg.reply_text(am.REMOVE_USAGE)
        return
    doc_id = context.args[0].strip()
    doc = next((d for d in await svc.documents() if d["doc_id"] == doc_id), None)
    if doc is None:
        await msg.reply_text(am.UNKNOWN_DOC.format(doc_id=esc(doc_id)))
        return
    token = secrets.token_urlsafe(6)
    pending = context.bot_data.setdefault(PENDING, {})
    pending[token] = doc_id
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton(am.REMOVE_YES, callback_data=f"ah:{token}:y"),
                                      InlineKeyboardButton(am.REMOVE_NO, callback_data=f"ah:{token}:n")]])
    await msg.reply_text(am.REMOVE_CONFIRM.format(title=esc(doc["title"][:150]), doc_id=esc(doc_id),
                                                  passages=doc["passages"]), reply_markup=keyboard)


async def on_remove_choice(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if not _is_admin(update, context):
        await query.answer(am.NOT_ADMIN[:190], show_alert=True)
        return
    m = CALLBACK.match(query.data or "")
    token, choice = m.group(1), m.group(2)
    doc_id = context.bot_data.get(PENDING, {}).pop(token, None)
    await query.answer()
    if doc_id is None:
        text = am.CONFIRM_EXPIRED
    elif choice == "n":
        text = am.REMOVE_CANCELLED.format(doc_id=esc(doc_id))
    else:
        svc = services(context)
        n = await asyncio.to_thread(svc.live.remove, doc_id)
        if n:
            if svc.admin_log:
                await svc.admin_log.record_remove(actor(update), doc_id, n)
            text = am.REMOVED.format(doc_id=esc(doc_id), passages=n)
        else:
            text = am.REMOVE_GONE.format(doc_id=esc(doc_id))
    if isinstance(query.message, Message):
        await query.edit_message_text(text)
    else:
        await context.bot.send_message(query.from_user.id, text)


# ------------------------------------------------------------------------------ /status


async def on_status(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if not await _guard(update, context):
        return
    svc = services(context)
    msg = update.effective_message
    args = context.args or []
    if article_status.is_article_command(args):  # issue 11: one article's effect
        await _on_article_status(update, context, args)
        return
    if len(args) < 2 or (len(args) > 2 and (args[2].lower() != "oleh" or len(args) != 4)):
        await msg.reply_text(am.STATUS_USAGE)
        return
    doc_id, status = args[0], args[1].lower()
    by = args[3].strip(",") if len(args) == 4 else None
    if status not in STATUSES:
        await msg.reply_text(am.STATUS_BAD.format(status=esc(status)))
        return
    if not svc.live.has(doc_id):
        await msg.reply_text(am.UNKNOWN_DOC.format(doc_id=esc(doc_id)))
        return
    if status not in (DIUBAH, DICABUT):
        by = None
    n = await asyncio.to_thread(svc.live.set_status, doc_id, status, by)
    if svc.admin_log:
        await svc.admin_log.set_status(actor(update), doc_id, status, by)
    text = am.STATUS_DONE.format(doc_id=esc(doc_id), label=esc(status_label(status, by)), passages=n)
    if by and not all(svc.live.has(b) for b in by.split(",")):
        text += "\n" + am.STATUS_UNKNOWN_BY.format(by=esc(by))
    await msg.reply_text(text)


async def _on_article_status(update: Update, context, args: list[str]) -> None:
    svc = services(context)
    msg = update.effective_message
    got = article_status.parse(args)
    if isinstance(got, str):
        await msg.reply_text(got)
        return
    target, kind, by = got
    if svc.admin_log:
        await svc.admin_log.set_article_effect(actor(update), target.format(), kind, by)
        effects = await svc.admin_log.article_effects()
    else:
        effects = [e for e in svc.live.engine.admin_effects() if e.target != target]
        if kind != article_status.CLEAR:
            effects.append(article_status.Effect(kind, target, by, origin="admin"))
    await asyncio.to_thread(svc.live.engine.set_article_effects, effects)
    where = f"{target.location()} <code>{esc(target.doc_id)}</code>"
    if kind == article_status.CLEAR:
        text = f"✅ Catatan efek untuk {where} dihapus. Berlaku seketika."
    else:
        text = f"✅ {where} sekarang tercatat <b>{esc(kind)}</b> oleh <code>{esc(by)}</code>. Berlaku seketika."
        if not svc.live.has(target.doc_id):
            text += f"\nCatatan: <code>{esc(target.doc_id)}</code> belum ada di basis pengetahuan; efek diterapkan saat dimuat."
    await msg.reply_text(text)


async def on_not_admin_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Refusal for /ingest captions from non-admins (nothing is downloaded)."""
    await update.effective_message.reply_text(am.NOT_ADMIN)
