"""The conversation: (chat state, what the user did) -> (new state, replies).

Pure: no I/O, no Telegram, no clock. The Telegram layer, the terminal chat and the tests all
drive this one function, so every transition can be checked in microseconds.
"""

from __future__ import annotations

import re
from html import escape

from bot.dialog.callback_data import Action, CallbackData
from bot.dialog.events import Command, Event, Tap, TextMessage, Unsupported
from bot.dialog.reply import Button, Reply
from bot.dialog.screens import Screens, language_for_code, language_of
from bot.dialog.state import CAR_UNSURE, ChatState
from bot.knowledge import LANGUAGES, Entry, Generation, Knowledge, QuickReply
from bot.matching import Matcher, Outcome

_STEP_NUMBER = re.compile(r"[0-9]{1,3}")  # ASCII only: "²".isdigit() but int("²") fails
MAX_QUESTION_CHARS = 500  # longer messages are matched on their start: enough for any question
THEN_GUIDED = "h"  # on a car button: start "it won't open" once the car is known

Result = tuple[ChatState, list[Reply]]


class Conversation:
    def __init__(self, knowledge: Knowledge, matcher: Matcher | None = None) -> None:
        self.knowledge = knowledge
        self.matcher = matcher or Matcher(knowledge)
        self.screens = Screens(knowledge)
        self._quick_replies = {
            knowledge.ui(button.label, language): button
            for button in knowledge.quick_replies for language in LANGUAGES
        }

    def handle(self, state: ChatState, event: Event) -> Result:
        if state.language is None:
            state = state.with_(language=language_for_code(event.language_code))
        state = self._still_valid(state)
        match event:
            case Command():
                return self._command(state, event)
            case Tap():
                return self._tap(state, event.data)
            case TextMessage():
                return self._text(state, event.text)
            case Unsupported():
                return state, [self.screens.notice("unsupported", state)]

    # -- commands and the quick-reply keyboard ----------------------------------------------

    def _command(self, state: ChatState, command: Command) -> Result:
        screens = self.screens
        match command.name:
            case "start":
                state = state.with_(method=None, step=0, guided=False, tried=())
                return state, [screens.greeting(state), screens.main_menu(state)]
            case "menu":
                return state, [screens.main_menu(state)]
            case "help":
                return state, [screens.help(state)]
            case "car":
                return state, [screens.car_question(state, edit=False)]
            case "language":
                wanted = command.argument.strip().lower()[:2]
                if wanted not in LANGUAGES:
                    wanted = "ru" if language_of(state) == "en" else "en"
                return self._switch_language(state, wanted)
            case "reset":
                fresh = ChatState(language=language_for_code(command.language_code))
                lead = self.knowledge.ui("reset_done", language_of(fresh))
                return fresh, [screens.greeting(fresh, lead=lead), screens.main_menu(fresh)]
            case _:
                return state, [screens.help(state)]

    def _quick_reply(self, state: ChatState, button: QuickReply) -> Result:
        """Handled alike whatever the chat was doing: the keyboard is always there."""
        if button.walk is not None:
            return self._walk(state.with_(guided=False), self.knowledge.entry(button.walk), 0,
                              edit=False)
        if button.menu == "faq":
            return state, [self.screens.faq(state, edit=False)]
        return state, [self.screens.ways(state, edit=False)]

    # -- free text ---------------------------------------------------------------------------

    def _text(self, state: ChatState, text: str) -> Result:
        stripped = text.strip()
        if stripped in self._quick_replies:
            return self._quick_reply(state, self._quick_replies[stripped])
        result = self.matcher.match(stripped[:MAX_QUESTION_CHARS])
        if result.generation is not None and state.car is None:
            state = state.with_(car=result.generation.value)
        offer: tuple[tuple[Button, ...], ...] = ()
        if result.outcome is not Outcome.UNRELATED and result.language != language_of(state):
            # Labelled in the language offered: that is the one the user reads.
            label = self.knowledge.ui("language_offer", result.language)
            offer = ((Button(label, self.screens.codec.pack(Action.LANGUAGE, result.language)),),)
        if result.outcome is Outcome.ANSWER and result.answer_id is not None:
            entry = self.knowledge.entry(result.answer_id)
            return state, [self.screens.entry(state, entry, extra_rows=offer)]
        if result.outcome is Outcome.CLOSE_CALL:
            reply = self.screens.did_you_mean(state, result.suggestions)
            return state, [Reply(reply.text, offer + reply.buttons)]
        return state, [self.screens.notice("unrelated", state)]

    # -- button taps -------------------------------------------------------------------------

    def _tap(self, state: ChatState, data: str) -> Result:
        parsed = self.screens.codec.unpack(data)
        result = self._action(state, parsed) if parsed is not None else None
        if result is None:  # old, forged or pointing at something that no longer exists
            return state, [self.screens.notice("stale_button", state, edit=True)]
        return result

    def _action(self, state: ChatState, data: CallbackData) -> Result | None:
        screens, args = self.screens, data.args
        match data.action, args:
            case Action.MENU, ():
                return state, [screens.main_menu(state, edit=True)]
            case Action.WAYS, ():
                return state, [screens.ways(state, edit=True)]
            case Action.FAQ, ():
                return state, [screens.faq(state, edit=True)]
            case Action.CAR, ():
                return state, [screens.car_question(state, edit=True)]
            case Action.SET_CAR, (car, *then) if _is_car(car) and then in ([], [THEN_GUIDED]):
                return self._set_car(state, car, then_guided=bool(then))
            case Action.ENTRY, (entry_id,) if entry_id in self.knowledge.entries:
                return state, [screens.entry(state, self.knowledge.entry(entry_id), edit=True)]
            case Action.STEP, (method_id, index) if self._valid_step(state, method_id, index):
                method = self.knowledge.entry(method_id)
                guided = state.guided and state.method == method_id
                return self._walk(state.with_(guided=guided), method, int(index), edit=True)
            case Action.WORKED, (method_id,) if self._is_method(method_id):
                done = state.with_(method=None, step=0, guided=False, tried=())
                return done, [screens.worked(done, self.knowledge.entry(method_id))]
            case Action.FAILED, (method_id,) if self._is_method(method_id):
                return self._next_way(state, method_id)
            case Action.GUIDED, ():
                return self._start_guided(state)
            case Action.LANGUAGE, (language,) if language in LANGUAGES:
                return self._switch_language(state, language)
        return None

    def _still_valid(self, state: ChatState) -> ChatState:
        """A state stored by an older knowledge version may name a method that is gone."""
        tried = tuple(m for m in state.tried if self._is_method(m))
        if state.method is not None and not self._is_method(state.method):
            return state.with_(method=None, step=0, guided=False, tried=tried)
        return state.with_(tried=tried) if tried != state.tried else state

    def _valid_step(self, state: ChatState, method_id: str, index: str) -> bool:
        if not self._is_method(method_id) or not _STEP_NUMBER.fullmatch(index):
            return False
        return int(index) < len(self.knowledge.entry(method_id).steps_for(state.generation))

    def _is_method(self, entry_id: str) -> bool:
        entry = self.knowledge.entries.get(entry_id)
        return entry is not None and entry.is_method

    # -- transitions -------------------------------------------------------------------------

    def _walk(self, state: ChatState, method: Entry, index: int, *, edit: bool,
              lead: str = "") -> Result:
        state = state.with_(method=method.id, step=index)
        plan = self.guided_plan(state.generation)
        way = (plan.index(method.id) + 1, len(plan)) if state.guided and method.id in plan else None
        return state, [self.screens.step(state, method, index, edit=edit, lead=lead, way=way)]

    def _set_car(self, state: ChatState, car: str, *, then_guided: bool) -> Result:
        state = state.with_(car=car)
        if then_guided:
            return self._start_guided(state)
        lead = self.screens.ui("car_saved", state, car=self.screens.car_name(state))
        return state, [self.screens.main_menu(state, edit=True, lead=lead)]

    def _start_guided(self, state: ChatState) -> Result:
        if state.car is None:
            return state, [self.screens.car_question(state, edit=True, then=THEN_GUIDED)]
        plan = self.guided_plan(state.generation)
        first = self.knowledge.entry(plan[0])
        lead = self.screens.ui("guided_intro", state)
        return self._walk(state.with_(guided=True, tried=()), first, 0, edit=True, lead=lead)

    def _next_way(self, state: ChatState, failed_id: str) -> Result:
        """The next way in the guided order that has not been tried yet: after a method the
        owner picked, that is the most likely one left; in a guided run, the next in line."""
        tried = (*state.tried, failed_id) if failed_id not in state.tried else state.tried
        remaining = [m for m in self.guided_plan(state.generation) if m not in tried]
        if not remaining:
            done = state.with_(method=None, step=0, guided=False, tried=())
            return done, [self.screens.guided_exhausted(done)]
        lead = self.screens.ui("guided_next", state)
        following = self.knowledge.entry(remaining[0])
        return self._walk(state.with_(guided=True, tried=tried), following, 0, edit=True,
                          lead=lead)

    def _switch_language(self, state: ChatState, language: str) -> Result:
        """A new greeting rather than an edit: the quick-reply keyboard must change language."""
        state = state.with_(language=language)
        lead = self.screens.ui("language_switched", state)
        return state, [self.screens.greeting(state, lead=lead), self.screens.main_menu(state)]

    def something_went_wrong(self, state: ChatState) -> Reply:
        return self.screens.notice("something_went_wrong", state)

    def too_fast(self, state: ChatState) -> Reply:
        """Said once when a chat floods the bot; the messages in the flood go unanswered."""
        return Reply(escape(self.knowledge.ui("too_fast", language_of(state)), quote=False))

    def guided_plan(self, generation: Generation | None) -> list[str]:
        """The guided order without what this generation lacks (no smart pedal on a J10)."""
        return [m for m in self.knowledge.guided_order
                if self.knowledge.entry(m).applies_to(generation)]


def _is_car(value: str) -> bool:
    return value in Generation.__members__ or value == CAR_UNSURE
