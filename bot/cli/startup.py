"""Loads what every entry point needs, once: knowledge, validated, and the matcher over it."""

from __future__ import annotations

from functools import cached_property

from bot.dialog import Conversation
from bot.dialog.self_check import ScreenReport, check_screens
from bot.knowledge import Knowledge, load_knowledge
from bot.matching import Matcher
from bot.matching.reader import Reader
from bot.pictures import Gallery
from bot.records.stats import check_texts


class Loaded:
    """The knowledge, validated at once (a bad file stops start-up), and what is built from it
    when first wanted: `ask`, `eval` and `check` pay only for what they use, and the running
    bot builds them in a thread while it reaches Telegram (bot/cli/serve.py)."""

    def __init__(self, knowledge: Knowledge) -> None:
        self.knowledge = knowledge

    @cached_property
    def matcher(self) -> Matcher:
        return Matcher(self.knowledge)

    @cached_property
    def conversation(self) -> Conversation:
        return Conversation(self.knowledge, self.matcher)

    @property
    def reader(self) -> Reader:
        return self.conversation.reader

    @cached_property
    def gallery(self) -> Gallery:
        """The pictures as drawn at build time, each read when first shown."""
        return Gallery(self.knowledge)

    def warm(self) -> Loaded:
        """Everything the running bot uses, built now rather than on the first message."""
        _ = self.conversation, self.gallery
        return self

    @cached_property
    def screens(self) -> ScreenReport:
        """Every screen rendered and measured: `bot check` and the tests, not start-up."""
        return check_screens(self.conversation)


def load() -> Loaded:
    """Raises KnowledgeError (naming file, entry, field) if anything is wrong."""
    knowledge = load_knowledge()
    check_texts(knowledge)  # the admins' report: bot.records.stats
    return Loaded(knowledge)
