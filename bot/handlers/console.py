"""/konsol: a one-time login link to the staff and admin web console (bot/console/), and
/konsol keluar: end every console session. A thin adapter over bot/application/console/.

Only in a private chat (the link is personal); only for staff (settings.staff_ids or members of
the staff group, asked fresh) and admins (settings.admin_ids). Everyone else is refused politely.
"""
from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType

from ..application.console import ADMIN, STAFF
from ..context import BotContext
from ..render import esc
from ..texts import console as cm
from .budget import budgeted
from .desk import is_staff, staff_name


@budgeted  # a refusal is a reply, and the staff check asks Telegram: the same budget as every handler
async def on_console(update: Update, context: BotContext) -> None:
    msg, user, chat = update.effective_message, update.effective_user, update.effective_chat
    if msg is None or user is None or chat is None:
        return
    svc = context.services
    args = (msg.text or "").split()[1:]
    if args and args[0].lower() in ("keluar", "logout"):
        n = await svc.console.auth.revoke_all(user.id)
        await svc.admin_log.record(f"telegram:{user.id}", "konsol-keluar", "konsol", f"{n} sesi diakhiri")
        await msg.reply_text(cm.LOGGED_OUT.format(n=n))
        return
    roles = []
    if await is_staff(context, user.id, fresh=True):
        roles.append(STAFF)
    if user.id in svc.settings.admin_ids:
        roles.append(ADMIN)
    if not roles:
        await msg.reply_text(cm.REFUSED)
        return
    if chat.type != ChatType.PRIVATE:
        await msg.reply_text(cm.PRIVATE_ONLY)
        return
    if not svc.settings.console_enabled:  # a link to nothing would only confuse
        await msg.reply_text(cm.NOT_ENABLED)
        return
    token = await svc.console.auth.issue_login(user.id, staff_name(user), roles)
    url = f"{svc.settings.console_base_url}/konsol/masuk/{token}"
    await msg.reply_text(cm.LOGIN_LINK.format(url=esc(url)))
