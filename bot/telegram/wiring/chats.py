"""Serving the chats: what the runner adds once the conversation is built (in a thread, while
Telegram is being reached; bot/cli/serve.py): the sender of replies with the pictures, the
recorder and its housekeeping, a chat's turn with the admins' desk in front, inline answers,
the handlers, and the command menus.

Until `ChatService.serve` returns, updates that arrived wait, unconfirmed (HandleThenConfirm).
"""

from __future__ import annotations

from typing import Any, Protocol

from telegram.ext import Application

from bot.config import Settings
from bot.dialog import Conversation
from bot.dialog.sharing import InlineArticles
from bot.pictures import Gallery
from bot.records import Recorder
from bot.storage import Storage
from bot.telegram.inbound import add_handlers, publish_commands
from bot.telegram.outbound import InlineQueries, Photos, ReplySender
from bot.telegram.wiring.admin import AdminDesk, publish_admin_commands
from bot.telegram.wiring.chat_turn import ChatTurns
from bot.telegram.wiring.housekeeping import Housekeeping


class Built(Protocol):
    """The conversation and the pictures (bot.cli.startup.Loaded)."""

    @property
    def conversation(self) -> Conversation: ...

    @property
    def gallery(self) -> Gallery: ...


class ChatService:
    def __init__(self, built: Built) -> None:
        self._conversation = built.conversation
        self._gallery = built.gallery
        self.knowledge_version = self._conversation.knowledge.version

    async def serve(self, application: Application[Any, Any, Any, Any, Any, Any],
                    storage: Storage, settings: Settings) -> Housekeeping:
        """Returns the housekeeping, started: the old goes before the first turn, then
        hourly."""
        conversation = self._conversation
        knowledge = conversation.knowledge
        sender = ReplySender(application.bot, photos=Photos(self._gallery, storage.pictures))
        recorder = Recorder(storage, conversation.matcher,
                            retention_days=settings.unanswered_retention_days)
        housekeeping = Housekeeping(storage.journal, recorder)
        await housekeeping.start()
        turns = ChatTurns(conversation, storage, sender, recorder=recorder)
        desk = AdminDesk(turns, storage, sender, knowledge, admins=settings.admin_chat_ids,
                         retention_days=settings.unanswered_retention_days)
        add_handlers(application, desk,
                     InlineQueries(knowledge, InlineArticles(knowledge, conversation.reader)))
        return housekeeping

    async def publish_menus(self, application: Application[Any, Any, Any, Any, Any, Any],
                            settings: Settings) -> None:
        """The command menus, everyone's and the admins': after serving, as no turn needs
        them."""
        knowledge = self._conversation.knowledge
        await publish_commands(application, knowledge)
        await publish_admin_commands(application, knowledge, settings.admin_chat_ids)
