"""Loads what every entry point needs, once: knowledge, validated, and the matcher over it."""

from __future__ import annotations

from dataclasses import dataclass

from bot.dialog import Conversation
from bot.dialog.screens import COMMAND_KEYS
from bot.dialog.self_check import REQUIRED_INTERFACE_KEYS, check_screens
from bot.knowledge import Knowledge, load_knowledge
from bot.matching import Matcher


@dataclass(frozen=True)
class Loaded:
    knowledge: Knowledge
    matcher: Matcher
    conversation: Conversation
    screens_checked: int


def load() -> Loaded:
    """Raises KnowledgeError (naming file, entry, field) if anything is wrong."""
    knowledge = load_knowledge(interface_keys=interface_keys())
    matcher = Matcher(knowledge)
    conversation = Conversation(knowledge, matcher)
    screens_checked = check_screens(conversation)
    return Loaded(knowledge, matcher, conversation, screens_checked)


def interface_keys() -> tuple[str, ...]:
    return (*REQUIRED_INTERFACE_KEYS, *COMMAND_KEYS.values())
