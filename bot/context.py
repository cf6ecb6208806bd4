"""The handlers' typed context: `context.services` is the composition root's `BotServices`.

python-telegram-bot builds a `BotContext` for every update and job (`CONTEXT_TYPES`, given to
`Application.builder().context_types`); its `bot_data` is a `BotData`, which holds the one
services object the composition root (bot/composition.py) installs. No string keys.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot

if TYPE_CHECKING:
    from .composition import BotServices


class BotData:
    """application.bot_data: the services, installed once at build time."""

    def __init__(self) -> None:
        self._services: BotServices | None = None

    def install(self, services: BotServices) -> None:
        self._services = services

    @property
    def services(self) -> BotServices:
        if self._services is None:
            raise RuntimeError("the bot's services are not installed (build the bot with bot.app.build_application)")
        return self._services


class BotContext(CallbackContext[ExtBot, dict, dict, BotData]):
    @property
    def services(self) -> BotServices:
        return self.bot_data.services


CONTEXT_TYPES = ContextTypes(context=BotContext, bot_data=BotData)
BotApplication = Application[ExtBot, BotContext, dict, dict, BotData, object]


def services_of(app: Application) -> BotServices:
    """The services of an application built by bot.app.build_application."""
    data = app.bot_data
    if not isinstance(data, BotData):
        raise TypeError("not an application built by bot.app.build_application")
    return data.services
