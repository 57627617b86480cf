"""The conversation: (chat state, what the user did) -> (new state, replies).

Pure: no I/O, no Telegram, no clock. The Telegram layer, the terminal chat and the tests all
drive this one function, so every transition is a fast unit test. Typed messages
are understood by bot.dialog.understanding and carried out by bot.dialog.typed_text; buttons
are decoded here; what each screen shows is
bot.dialog.screens' job, and the walk through the ways bot.dialog.walks'.
"""

from __future__ import annotations

from html import escape
from typing import NamedTuple

from bot.dialog.callback_data import Action, CallbackData
from bot.dialog.effects import Effect, Forget, WayOpened
from bot.dialog.events import Command, Event, Tap, TextMessage, Unsupported
from bot.dialog.feedback import Feedback
from bot.dialog.navigation import MENU, Kind, Screen
from bot.dialog.reply import Reply, ReplyKind
from bot.dialog.screens import (
    THEN_GUIDED,
    Articles,
    Kit,
    Menus,
    language_for_code,
    language_of,
)
from bot.dialog.sharing import entry_for_payload
from bot.dialog.state import CAR_UNSURE, Car, ChatState
from bot.dialog.typed_text import TypedText
from bot.dialog.walks import Result, Walks
from bot.knowledge import LANGUAGES, Generation, Knowledge
from bot.matching import Matcher
from bot.matching.reader import Reader


class Handled(NamedTuple):
    """A turn of the conversation: the chat's new state, what to show, and what it did (for
    the shell to apply: bot.dialog.effects)."""

    state: ChatState
    replies: list[Reply]
    effects: tuple[Effect, ...]


class Conversation:
    def __init__(self, knowledge: Knowledge, matcher: Matcher | None = None) -> None:
        self.knowledge = knowledge
        self.matcher = matcher or Matcher(knowledge)
        self.reader = Reader(knowledge, self.matcher)
        self.kit = Kit(knowledge)
        self.menus = Menus(self.kit)
        self.articles = Articles(self.kit)
        self.walks = Walks(knowledge, self.articles)
        self.typed = TypedText(knowledge, self.reader, self.kit, self.menus, self.articles,
                               self.walks, self)
        self.feedback = Feedback(self.kit, self.menus, self.reader, self.typed.quick_replies,
                                 self)
        self.wont_open = knowledge.guided_entry  # the commonest problem: starts the run
        self.emergencies = {u.entry for u in knowledge.intents.urgent.values() if u.emergency}
        self.quick_replies = self.typed.quick_replies

    def handle(self, state: ChatState, event: Event) -> Handled:
        state, replies = self._handle(state, event)
        replies = self.feedback.offer(state, replies)
        return Handled(state, replies, tuple(e for r in replies for e in r.effects))

    def _handle(self, state: ChatState, event: Event) -> Result:
        state = self._still_valid(state)
        if state.awaiting_comment is not None:  # after a 👎: "what went wrong?"
            commented = self.feedback.take_comment(state, event)
            if commented is not None:
                return commented
            state = state.with_(awaiting_comment=None)
        if state.language is None:
            language = language_for_code(event.language_code)
            if language is None and not isinstance(event, TextMessage | Tap):
                return self._ask_language(state, event)
            state = state.with_(language=language)
        match event:
            case Command():
                return self._command(state, event)
            case Tap():
                return self._tap(state, event.data)
            case TextMessage():
                return self.typed.handle(state, event.text, fixed_language=event.language)
            case Unsupported():
                return state, [self.menus.notice("unsupported", state)]

    def _ask_language(self, state: ChatState, event: Event) -> Result:
        """Both languages offered; a deep link's answer is kept as the screen on show, so
        choosing a language opens it rather than the menu."""
        if isinstance(event, Command) and event.name == "start":
            shared = entry_for_payload(self.knowledge, event.argument)
            if shared is not None:
                state = state.showing(Screen(Kind.ANSWER, shared.id))
        return state, [self.menus.language_choice(state)]

    # -- commands ------------------------------------------------------------------------------

    def _command(self, state: ChatState, command: Command) -> Result:
        menus = self.menus
        match command.name:
            case "start":
                state = state.end_walk().with_(history=())
                shared = entry_for_payload(self.knowledge, command.argument)
                if shared is not None:  # a deep link to an answer: the greeting, then it
                    state, replies = self.view(state, Screen(Kind.ANSWER, shared.id), edit=False)
                    return state, [menus.greeting(state), *replies]
                return self.greet(state)
            case "menu":
                return self.view(state, MENU, edit=False)
            case "help":
                return state, [menus.help(state)]
            case "car":
                return self.view(state, Screen(Kind.CAR), edit=False)
            case "language":
                wanted = command.argument.strip().lower()[:2]
                if wanted not in LANGUAGES:
                    wanted = next(lang for lang in LANGUAGES if lang != language_of(state))
                return self.switch_language(state, wanted, edit=False)
            case "reset":
                fresh = ChatState(language=language_for_code(command.language_code))
                if fresh.language is None:
                    return fresh, [menus.language_choice(fresh)]
                return self.greet(fresh, lead=self.kit.ui("reset_done", fresh))
            case "forget":  # the shell deletes what it keeps about the chat, with the state
                return ChatState(), [Reply(escape(self.kit.ui("forget_done", state), quote=False),
                                           kind=ReplyKind.FORGOTTEN, effects=(Forget(),))]
            case _:
                return state, [menus.help(state)]

    def greet(self, state: ChatState, *, lead: str = "") -> Result:
        """The greeting brings the keyboard under the input field; the menu follows."""
        menu = self.menus.main_menu(state)
        return state.showing(menu.screen), [self.menus.greeting(state, lead=lead), menu]

    # -- buttons -------------------------------------------------------------------------------

    def _tap(self, state: ChatState, data: str) -> Result:
        parsed = self.kit.codec.unpack(data)
        result = self.act(state, parsed, edit=True) if parsed is not None else None
        if result is None:  # old, forged or pointing at something that no longer exists
            return state, [self.menus.notice("stale_button", state, edit=True)]
        return result

    def act(self, state: ChatState, data: CallbackData, *, edit: bool) -> Result | None:
        """What a button does; typed replies in a walk come here too, with edit=False."""
        walks, args = self.walks, data.args
        match data.action, args:
            case Action.VIEW, (code,):
                screen = Screen.parse(code)
                if screen is None or not self.valid(screen, state):
                    return None
                return self.view(state, screen, edit=edit)
            case Action.WALK, (entry_id, index) if self._walkable(state, entry_id, index):
                return walks.step(state, self.knowledge.entry(entry_id), int(index), edit=edit)
            case Action.BACK, (code,):
                return self.back(state, Screen.parse(code) or MENU, edit=edit)
            case Action.SHARE, (entry_id,) if entry_id in self.knowledge.entries:
                return self.view(state, Screen(Kind.ANSWER, entry_id), edit=edit)
            case Action.WORKED, (way_id,) if self._is_way(way_id):
                done = state.end_walk()
                reply = self.articles.worked(done, self.knowledge.entry(way_id), edit=edit)
                if state.way is not None:  # a walk was on: that way opened the boot
                    reply = reply.doing(WayOpened(state.way))
                return done.showing(reply.screen), [reply]
            case Action.FAILED | Action.SKIP, (way_id,) if self._is_way(way_id):
                return walks.next_way(state, way_id, edit=edit)
            case Action.GUIDED, ():
                return walks.start(state, edit=edit, lead=self.kit.ui("guided_intro", state))
            case Action.SET_CAR, (car, *then) if (known := _car(car)) and then in (
                    [], [THEN_GUIDED]):
                state = state.with_(car=known)
                if then:
                    return walks.start(state, edit=edit)
                lead = self.kit.ui("car_saved", state, car=self.kit.car_name(state))
                return self.view(state, MENU, edit=edit, lead=lead)
            case Action.LANGUAGE, (language,) if language in LANGUAGES:
                return self.switch_language(state, language, edit=edit)
            case Action.TOOLS, (answer, way_id, index) if (
                    answer in ("yes", "no") and self._walkable(state, way_id, index)):
                return walks.answer_tools(state, self.knowledge.entry(way_id), int(index),
                                          answer == "yes", edit=edit)
            case Action.GATE, (answer, way_id) if (
                    answer in ("yes", "no") and self._is_way(way_id)
                    and self.knowledge.entry(way_id).ask_first is not None):
                return walks.answer_gate(state, self.knowledge.entry(way_id),
                                         answer == "yes", edit=edit)
            case Action.RATE, (rating, code):
                return self.feedback.rate(state, rating, code, edit=edit)
        return None

    # -- screens -------------------------------------------------------------------------------

    def view(self, state: ChatState, screen: Screen, *, edit: bool, lead: str = "") -> Result:
        """Show a screen; it becomes the one Back returns from."""
        menus, articles, knowledge = self.menus, self.articles, self.knowledge
        entry = knowledge.entries.get(screen.entry)
        match screen.kind:
            case Kind.STEP if entry is not None:
                return self.walks.step(state, entry, screen.index, edit=edit, lead=lead)
            case Kind.EMERGENCY if entry is not None:
                reply = articles.emergency(state, entry, screen.index)
            case Kind.ANSWER if entry is not None:
                reply = articles.answer(state, entry, edit=edit, lead=lead)
            case Kind.MORE if entry is not None:
                reply = articles.more(state, entry, edit=edit)
            case Kind.SOURCES if entry is not None:
                reply = articles.sources(state, entry, edit=edit)
            case Kind.TOOLS if entry is not None:
                reply = articles.tools_question(state, entry, screen.index, edit=edit, lead=lead)
            case Kind.GATE if entry is not None and entry.ask_first is not None:
                return self.walks.gate(state, entry, edit=edit, lead=lead)
            case Kind.WORKED if entry is not None:
                reply = articles.worked(state, entry, edit=edit)
            case Kind.NOTHING_WORKED:
                reply = articles.nothing_worked(state, edit=edit)
            case Kind.WAYS:
                reply = menus.ways(state, edit=edit)
            case Kind.FAQ:
                reply = menus.faq(state, edit=edit)
            case Kind.CAR:
                reply = menus.car_question(state, edit=edit, lead=lead)
            case Kind.HELP:
                reply = menus.help(state)
            case _:
                reply = menus.main_menu(state, edit=edit, lead=lead)
        return state.showing(reply.screen or MENU), [reply]

    def back(self, state: ChatState, screen: Screen, *, edit: bool) -> Result:
        """To the screen seen before `screen`; for an old message whose place in the
        history is gone, to the screen's parent."""
        history = state.history
        target = screen.parent()
        if len(history) >= 2 and history[-1] == screen:
            state = state.with_(history=history[:-1])
            target = history[-2]
        if not self.valid(target, state):
            target = MENU
        if target.kind is Kind.STEP and target.entry not in state.shown:
            state = state.with_(guided=False)
        return self.view(state, target, edit=edit)

    def switch_language(self, state: ChatState, language: str, *, edit: bool) -> Result:
        """The screen on show again, in the new language, and the keyboard under the input
        field in it too (only a new message can bring a keyboard)."""
        state = state.with_(language=language)
        notice = self.menus.keyboard_notice(state, "language_switched")
        screen = state.screen or MENU
        state, replies = self.view(state, screen if self.valid(screen, state) else MENU, edit=edit)
        return state, ([*replies, notice] if edit else [notice, *replies])

    # -- checks on what buttons and stored chats carry -------------------------------------------

    def _still_valid(self, state: ChatState) -> ChatState:
        """A chat stored by an older version may name a way that is gone or a step past the
        end: it loses its place, never its car or language."""
        ways = {m.id for m in self.knowledge.ways}
        tried = tuple(m for m in state.tried if m in ways)
        shown = tuple(m for m in state.shown if m in ways)
        if (tried, shown) != (state.tried, state.shown):
            state = state.with_(tried=tried, shown=shown)
        history = tuple(h for h in state.history if self.valid(h, state))
        if history != state.history:  # a screen gone, or a step this car has not got
            state = state.with_(history=history)
        entry = self.knowledge.entries.get(state.way or "")
        if state.way is not None and (
                entry is None or not 0 <= state.step < len(entry.steps_for(state.generation))):
            state = state.end_walk()
        elif state.way is None and state.step:
            state = state.with_(step=0)
        return state

    def valid(self, screen: Screen | None, state: ChatState) -> bool:
        """A step's index is checked against the steps of the chat's car: a button from
        before the car was chosen, or a forged one, may name a step this car lacks."""
        if screen is None:
            return False
        if screen.kind in (Kind.MENU, Kind.WAYS, Kind.FAQ, Kind.CAR, Kind.HELP,
                           Kind.NOTHING_WORKED):
            return True
        entry = self.knowledge.entries.get(screen.entry)
        if entry is None:
            return False
        if screen.kind in (Kind.STEP, Kind.TOOLS):
            steps = entry.steps_for(state.generation)
            return screen.index < len(steps) and (screen.kind is Kind.STEP
                                                  or steps[screen.index].needs_tools)
        if screen.kind is Kind.EMERGENCY:
            return entry.id in self.emergencies and screen.index <= len(entry.steps)
        if screen.kind is Kind.WORKED:
            return entry.is_way or entry.id in self.emergencies
        if screen.kind is Kind.GATE:
            return entry.is_way
        return True

    def _walkable(self, state: ChatState, entry_id: str, index: str) -> bool:
        entry = self.knowledge.entries.get(entry_id)
        return (entry is not None and index.isascii() and index.isdigit() and len(index) <= 3
                and int(index) < len(entry.steps_for(state.generation)))

    def _is_way(self, entry_id: str) -> bool:
        entry = self.knowledge.entries.get(entry_id)
        return entry is not None and entry.is_way

    # -- said without a screen of their own ------------------------------------------------------

    def something_went_wrong(self, state: ChatState) -> Reply:
        return self.menus.notice("something_went_wrong", state)

    def too_fast(self, state: ChatState) -> Reply:
        """Said once when a chat floods the bot; the messages in the flood go unanswered."""
        return Reply(escape(self.kit.ui("too_fast", state), quote=False),
                     kind=ReplyKind.NOTICE)


def _car(value: str) -> Car | None:
    if value == CAR_UNSURE:
        return CAR_UNSURE
    return Generation(value) if value in Generation.__members__ else None
