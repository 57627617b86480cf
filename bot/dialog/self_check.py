"""Renders every screen once at start-up, so an over-long answer or an over-long button
fails `python -m bot check` instead of failing in front of an owner."""

from __future__ import annotations

import re
from html import unescape

from bot.dialog.conversation import Conversation
from bot.dialog.reply import Reply
from bot.dialog.state import ChatState
from bot.knowledge import LANGUAGES, Generation, KnowledgeError

MAX_MESSAGE_CHARS = 4096  # Telegram's limit, counted after entity parsing, in UTF-16 units
MAX_BUTTON_LABEL_CHARS = 64  # longer labels are cut off on phones

REQUIRED_INTERFACE_KEYS = (
    "greeting", "help", "main_menu", "main_menu_car", "button_guided", "button_ways",
    "button_faq", "button_car", "button_language", "button_menu", "button_back", "button_next",
    "button_walk", "button_worked", "button_failed", "button_guided_restart", "ways_title",
    "faq_title", "car_question", "car_unsure", "car_unknown", "car_saved", "car_J10", "car_J11",
    "car_J12", "car_not_applicable", "step_header", "step_question", "guided_intro",
    "guided_next", "guided_exhausted", "worked", "worked_prevention", "did_you_mean",
    "unrelated", "unsupported", "stale_button", "reset_done", "language_switched",
    "language_offer", "section_steps", "section_tips", "section_table", "table_row",
    "section_generations", "too_fast", "something_went_wrong", "way_position",
    "button_another_way", "button_continue",
)


def visible_length(html_text: str) -> int:
    """Length as Telegram counts it: tags removed, entities decoded, UTF-16 code units."""
    plain = unescape(re.sub(r"<[^>]+>", "", html_text))
    return len(plain.encode("utf-16-le")) // 2


def check_reply(reply: Reply, file: str, entry: str | None, field: str) -> None:
    length = visible_length(reply.text)
    if length > MAX_MESSAGE_CHARS:
        raise KnowledgeError(file, entry, field, f"renders to {length} characters, over "
                             f"Telegram's {MAX_MESSAGE_CHARS}: shorten it")
    for row in reply.buttons:
        for button in row:
            if len(button.label) > MAX_BUTTON_LABEL_CHARS:
                raise KnowledgeError(file, entry, field, f"button label {button.label!r} is "
                                     f"over {MAX_BUTTON_LABEL_CHARS} characters")


def check_screens(conversation: Conversation) -> int:
    """Every entry and every step, in every language, for every generation; returns how many
    screens were checked."""
    screens = conversation.screens
    checked = 0
    cars: list[str | None] = [None, *(g.value for g in Generation)]
    for entry in conversation.knowledge.entries.values():
        file = f"knowledge/entries/{entry.id}.yaml"
        for language in LANGUAGES:
            for car in cars:
                state = ChatState(language=language, car=car)
                check_reply(screens.entry(state, entry), file, entry.id, f"({language}, {car})")
                checked += 1
                if entry.is_method:
                    for index in range(len(entry.steps_for(state.generation))):
                        reply = screens.step(state, entry, index, edit=True, lead="x" * 200)
                        check_reply(reply, file, entry.id, f"steps[{index}] ({language})")
                        checked += 1
    return checked
