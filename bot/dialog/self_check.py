"""Renders every screen once at start-up, so an over-long answer or an over-long button
fails `python -m bot check` instead of failing in front of an owner.

Phone-sized: about 600 visible characters fill a phone's screen (some 16 lines); a screen
over MAX_SCREEN_CHARS fails the check, and the report counts those over the 600 aim.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from bot.dialog.callback_data import Action
from bot.dialog.conversation import Conversation
from bot.dialog.events import Command, Tap, TextMessage
from bot.dialog.feedback import DOWN, UP
from bot.dialog.navigation import Kind, Screen
from bot.dialog.reply import Reply
from bot.dialog.state import CAR_UNSURE, Car, ChatState
from bot.knowledge import LANGUAGES, Generation, KnowledgeError

MAX_SCREEN_CHARS = 900  # none longer: a phone shows ~600 without scrolling
AIM_SCREEN_CHARS = 600
MAX_BUTTON_LABEL_CHARS = 64  # longer labels are cut off on phones
MAX_CAPTION_CHARS = 1024  # Telegram's limit for a photo's caption: a screen with a picture



def visible_length(html_text: str) -> int:
    """Length as Telegram counts it: tags removed, entities decoded, UTF-16 code units."""
    plain = Reply(html_text).plain_text
    return len(plain.encode("utf-16-le")) // 2


@dataclass
class ScreenReport:
    checked: int = 0
    longest: int = 0
    over_aim: list[str] = field(default_factory=list)


def check_reply(reply: Reply, file: str, entry: str | None, where: str,
                report: ScreenReport) -> None:
    length = visible_length(reply.text)
    if length > MAX_SCREEN_CHARS:
        raise KnowledgeError(file, entry, where, f"renders to {length} characters, over the "
                             f"{MAX_SCREEN_CHARS} a phone screen holds: shorten it or move "
                             "tips to the More screen")
    if reply.picture is not None and length > MAX_CAPTION_CHARS:
        raise KnowledgeError(file, entry, where, f"renders to {length} characters, over the "
                             f"{MAX_CAPTION_CHARS} a photo's caption holds (it shows the "
                             f"picture '{reply.picture.name}'): shorten it")
    for row in reply.buttons:
        for button in row:
            if len(button.label) > MAX_BUTTON_LABEL_CHARS:
                raise KnowledgeError(file, entry, where, f"button label {button.label!r} is "
                                     f"over {MAX_BUTTON_LABEL_CHARS} characters")
    report.checked += 1
    report.longest = max(report.longest, length)
    if length > AIM_SCREEN_CHARS:
        report.over_aim.append(f"{entry or file} {where} ({length})")


def check_screens(conversation: Conversation) -> ScreenReport:
    """Every screen: menus and notices, every entry, its More, every step, in every language,
    for every car. Rendering them all also fills every interface placeholder, so a misspelt
    {placeholder} fails here, not in a chat."""
    report = ScreenReport()
    for language in LANGUAGES:
        cars: list[Car | None] = [None, CAR_UNSURE, *Generation]
        for car in cars:
            state = ChatState(language=language, car=car)
            for where, reply in _menus(conversation, state):
                check_reply(reply, "knowledge/interface.yaml", None, f"{where} ({language}, "
                            f"{car})", report)
            for entry in conversation.knowledge.entries.values():
                file = f"knowledge/entries/{entry.id}.yaml"
                for where, reply in _entry_screens(conversation, state, entry.id):
                    check_reply(reply, file, entry.id, f"{where} ({language}, {car})", report)
    return report


def _menus(conversation: Conversation, state: ChatState) -> Iterator[tuple[str, Reply]]:
    menus, articles, codec = conversation.menus, conversation.articles, conversation.kit.codec
    some_way = conversation.knowledge.ways[0]
    walking = state.with_(way=some_way.id, step=0)
    yield "greeting", menus.greeting(state, lead="x" * 80)
    yield "main menu", menus.main_menu(walking, lead="x" * 80)
    yield "help", menus.help(state, lead=conversation.kit.ui("other_make", state, make="x" * 20))
    yield "ways", menus.ways(state, edit=True)
    yield "faq", menus.faq(state, edit=True)
    yield "car", menus.car_question(state, edit=True)
    yield "language choice", menus.language_choice(state)
    yield "did you mean", menus.did_you_mean(state, list(conversation.knowledge.entries)[:3],
                                             lead="x" * 80)
    yield "nothing worked", articles.nothing_worked(state, edit=True)
    yield from _rated(conversation, state, Screen(Kind.NOTHING_WORKED))
    yield "too fast", conversation.too_fast(state)
    yield "went wrong", conversation.something_went_wrong(state)
    for key in ("unrelated", "unsupported", "stale_button", "reset_done", "language_switched",
                "language_followed", "walk_stopped", "feedback_comment_thanks"):
        yield key, menus.notice(key, state)
    for meaning in conversation.knowledge.intents.small_talk:
        if not meaning.startswith("language_"):
            yield f"small talk {meaning}", menus.small_talk(state, meaning)
    for event in (Tap(codec.pack(Action.SET_CAR, "J11")), Command("language", "ru"),
                  Command("reset"), Command("forget"), Tap(codec.pack(Action.GUIDED)),
                  TextMessage("tried the key and the button, still shut")):
        for reply in conversation.handle(state, event)[1]:
            yield f"after {event}", reply


def _entry_screens(conversation: Conversation, state: ChatState, entry_id: str
                   ) -> Iterator[tuple[str, Reply]]:
    knowledge, articles = conversation.knowledge, conversation.articles
    entry = knowledge.entry(entry_id)
    lead = "x" * 120  # the longest lead a screen gets (car noted, ways tried...)
    yield "answer", articles.answer(state, entry, lead=lead)
    yield from _rated(conversation, state, Screen(Kind.ANSWER, entry_id))
    yield "more", articles.more(state, entry, edit=True)
    yield "sources", articles.sources(state, entry, edit=True)
    if entry.ask_first is not None:
        yield "ask_first", articles.gate_question(state, entry, edit=True, lead=lead,
                                                  position=(9, 9))
    if entry.is_way:
        yield "worked", articles.worked(state, entry, edit=True)
        yield from _rated(conversation, state, Screen(Kind.WORKED, entry_id))
    steps = entry.steps_for(state.generation)
    for index, step in enumerate(steps):
        running = state.with_(way=entry.id, step=index, guided=True, shown=(entry.id,),
                              tools="yes")
        yield f"steps[{index}]", articles.step(running, entry, index, tuple(range(len(steps))),
                                               edit=True, lead=lead, position=(9, 9))
        if step.needs_tools:
            yield f"steps[{index}] tools question", articles.tools_question(
                state, entry, index, edit=True, lead=lead)


def _rated(conversation: Conversation, state: ChatState, screen: Screen
           ) -> Iterator[tuple[str, Reply]]:
    """A screen after 👍 (with thanks) and after 👎 (asking what went wrong)."""
    for rating in (UP, DOWN):
        rated = conversation.feedback.rate(state, rating, screen.code(), edit=True)
        if rated is None:
            raise KnowledgeError("knowledge/interface.yaml", None, screen.code(),
                                 "cannot be rated: bot/dialog/feedback.py refuses it")
        yield f"{screen.code()} rated {rating}", rated[1][0]
