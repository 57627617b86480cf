"""Loads what every entry point needs, once: knowledge, validated, and the matcher over it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from bot.dialog import Conversation
from bot.dialog.feedback import FEEDBACK_KEYS
from bot.dialog.screens import COMMAND_KEYS
from bot.dialog.self_check import REQUIRED_INTERFACE_KEYS, ScreenReport, check_screens
from bot.knowledge import Knowledge, load_knowledge
from bot.matching import Matcher
from bot.matching.reader import Reader
from bot.pictures import Gallery
from bot.records.stats import STATS_KEYS, check_texts


@dataclass(frozen=True)
class Loaded:
    knowledge: Knowledge
    matcher: Matcher
    conversation: Conversation
    screens: ScreenReport

    @property
    def reader(self) -> Reader:
        return self.conversation.reader

    @cached_property
    def gallery(self) -> Gallery:
        """The pictures, each rendered when first shown: `ask` and `eval` never pay for it."""
        return Gallery(self.knowledge)


def load() -> Loaded:
    """Raises KnowledgeError (naming file, entry, field) if anything is wrong."""
    knowledge = load_knowledge(interface_keys=interface_keys())
    matcher = Matcher(knowledge)
    conversation = Conversation(knowledge, matcher)
    check_texts(knowledge)  # the admins' report: bot.records.stats
    return Loaded(knowledge, matcher, conversation, check_screens(conversation))


def interface_keys() -> tuple[str, ...]:
    return (*REQUIRED_INTERFACE_KEYS, *COMMAND_KEYS.values(), *FEEDBACK_KEYS, *STATS_KEYS,
            *(f"small_talk_{m}" for m in ("greeting", "thanks", "ok", "opened", "swearing",
                                          "wait", "language_other")))
