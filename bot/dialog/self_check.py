"""Renders every screen once at start-up, so an over-long answer or an over-long button
fails `python -m bot check` instead of failing in front of an owner."""

from __future__ import annotations

from bot.dialog.callback_data import Action
from bot.dialog.conversation import Conversation
from bot.dialog.events import Command, Tap
from bot.dialog.reply import Reply
from bot.dialog.state import CAR_UNSURE, ChatState
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
    plain = Reply(html_text).plain_text
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
    """Every screen: menus and notices, every entry and every step, in every language, for
    every generation; returns how many were checked. Rendering them all also fills every
    interface placeholder, so a misspelt {placeholder} fails here, not in a chat."""
    screens = conversation.screens
    checked = 0
    cars: list[str | None] = [None, CAR_UNSURE, *(g.value for g in Generation)]
    some_method = conversation.knowledge.methods[0]
    for language in LANGUAGES:
        for car in cars:
            state = ChatState(language=language, car=car, method=some_method.id, step=0)
            menus = [
                screens.greeting(state, lead="x"), screens.main_menu(state, lead="x"),
                screens.help(state), screens.ways(state, edit=True),
                screens.faq(state, edit=True), screens.car_question(state, edit=True),
                screens.car_question(state, edit=True, then="h"),
                screens.did_you_mean(state, list(conversation.knowledge.entries)[:3]),
                screens.worked(state, some_method), screens.guided_exhausted(state),
                conversation.too_fast(state), conversation.something_went_wrong(state),
                *(screens.notice(key, state) for key in
                  ("unrelated", "unsupported", "stale_button", "reset_done",
                   "language_switched")),
                *conversation.handle(state, Tap(screens.codec.pack(Action.SET_CAR, "J11")))[1],
                screens.step(state, some_method, 0, edit=True, way=(1, 2)),
                *conversation.handle(state, Command("language", language))[1],
                *conversation.handle(state, Command("reset"))[1],
            ]
            for reply in menus:
                check_reply(reply, "knowledge/interface.yaml", None, f"({language}, {car})")
                checked += 1
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
