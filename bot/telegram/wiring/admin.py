"""/stats and /unanswered for the chats in ADMIN_CHAT_IDS, and their command menu.

AdminDesk stands in front of a chat's turn (chat_turn.py): an admin's /stats or
/unanswered is answered here from storage; everything else, and these commands from anyone
else, goes on to the conversation, which answers an unknown command with the help, so nobody
learns the commands exist. Admins see them in their own command menu (a BotCommandScopeChat
per admin chat, in each language); the public menu never lists them.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Collection, Iterable
from datetime import UTC, datetime
from html import escape
from typing import Any

from telegram import BotCommand, BotCommandScopeChat, Message
from telegram.error import BadRequest
from telegram.ext import Application

from bot.dialog import Command, Event, Reply
from bot.dialog.screens import COMMAND_KEYS, language_for_code
from bot.knowledge import DEFAULT_LANGUAGE, LANGUAGES, Knowledge
from bot.monitoring import metrics
from bot.records import DAY, stats, unanswered
from bot.storage import Storage
from bot.telegram.inbound import TurnTaker
from bot.telegram.outbound import ReplySender

log = logging.getLogger(__name__)

ADMIN_COMMAND_KEYS = {"stats": "command_stats", "unanswered": "command_unanswered"}


class AdminDesk:
    def __init__(self, chat: TurnTaker, storage: Storage, sender: ReplySender, knowledge: Knowledge,
                 *, admins: Collection[int], retention_days: int,
                 clock: Callable[[], float] = time.time) -> None:
        self._chat = chat
        self._storage = storage
        self._sender = sender
        self._knowledge = knowledge
        self._admins = frozenset(admins)
        self._retention_days = retention_days
        self._clock = clock

    async def take_turn(self, chat_id: int, event: Event, tapped: Message | None = None
                        ) -> None:
        if (isinstance(event, Command) and event.name in ADMIN_COMMAND_KEYS
                and chat_id in self._admins):
            metrics.UPDATES.labels("command").inc()
            state = await self._storage.chats.load(chat_id)
            language = (state.language or language_for_code(event.language_code)
                        or DEFAULT_LANGUAGE)
            if event.name == "stats":
                await self._stats(chat_id, language)
            else:
                await self._unanswered(chat_id, language)
            return
        await self._chat.take_turn(chat_id, event, tapped)

    async def apologise(self, chat_id: int) -> None:
        await self._chat.apologise(chat_id)

    async def _stats(self, chat_id: int, language: str) -> None:
        figures = await stats.gather(self._storage, now=self._clock(),
                                     retention_days=self._retention_days)
        lines = stats.report(figures, self._knowledge, language)
        await self._sender.show(chat_id, Reply(_within_a_message(
            f"<b>{escape(line, quote=False)}</b>" if heading else escape(line, quote=False)
            for line, heading in lines)))

    async def _unanswered(self, chat_id: int, language: str) -> None:
        now, days = self._clock(), self._retention_days
        questions = await self._storage.unanswered.since(now - days * DAY)
        if not questions:
            text = self._knowledge.ui("unanswered_none", language, days=days)
            await self._sender.show(chat_id, Reply(escape(text, quote=False)))
            return
        day = datetime.fromtimestamp(now, UTC).strftime("%Y-%m-%d")
        caption = self._knowledge.ui("unanswered_caption", language, days=days,
                                     count=sum(q.times for q in questions))
        pages = unanswered.as_csv_pages(questions, unanswered.PAGE_BYTES)
        for number, page in enumerate(pages, start=1):  # each a file Telegram takes
            name = f"unanswered-{day}.csv" if number == 1 else f"unanswered-{day}-{number}.csv"
            await self._sender.send_file(chat_id, name, page, escape(caption, quote=False))


async def publish_admin_commands(application: Application[Any, Any, Any, Any, Any, Any],
                                 knowledge: Knowledge, admins: Collection[int]) -> None:
    """Each admin's own menu: the public commands and the admin ones, in each language. An
    admin chat Telegram does not know yet (they never wrote to the bot) is skipped with a
    warning: the commands work all the same, and the menu comes at the next start."""
    for chat_id in sorted(admins):
        for language in LANGUAGES:
            commands = [BotCommand(name, knowledge.ui(key, language))
                        for name, key in {**COMMAND_KEYS, **ADMIN_COMMAND_KEYS}.items()]
            code = None if language == DEFAULT_LANGUAGE else language
            try:
                await application.bot.set_my_commands(
                    commands, scope=BotCommandScopeChat(chat_id), language_code=code)
            except BadRequest as error:
                log.warning("no admin command menu for chat %s (%s): it has to write to the "
                            "bot first", chat_id, error)
                break


def _within_a_message(lines: Iterable[str]) -> str:
    """Whole lines up to Telegram's 4096 characters: far more than the report takes, but a
    knowledge of hundreds of entries must not make /stats a refusal."""
    kept: list[str] = []
    size = 0
    for line in lines:
        size += len(line) + 1
        if size > stats.MAX_MESSAGE_CHARS - 2:
            kept.append("…")
            break
        kept.append(line)
    return "\n".join(kept)
