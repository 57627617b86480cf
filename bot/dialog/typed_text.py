"""What a typed message does, in the context of what the chat shows.

In order, because a message can say several things and some must win:
1. an emergency (someone shut in the boot) comes first, whatever is on screen;
2. a reply to what is on screen: while a walk is shown, "didn't work", "next", "👍" act like
   the buttons; "yes" / "no" answer a question the bot asked;
3. small talk ("thanks", "hi", "ok") gets a short human answer;
4. a question: a model year sets the car (one line says so) without replacing the question;
   "tried the fob and the button" starts the run at the next untried way; another make gets
   one line saying this is about the Qashqai; "won't open" starts the run; anything else is
   answered, offered as "did you mean", or declined.
A message in the other language switches the chat to it, and the answer comes in it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.dialog.callback_data import Action, CallbackData
from bot.dialog.navigation import MENU, Kind, Screen
from bot.dialog.reply import Reply, ReplyKind
from bot.dialog.screens import language_of
from bot.dialog.state import ChatState
from bot.dialog.walks import Result
from bot.knowledge import Entry
from bot.matching import Outcome
from bot.matching.reader import Reading

if TYPE_CHECKING:
    from bot.dialog.conversation import Conversation

END = Screen(Kind.NOTHING_WORKED)
MAX_QUESTION_CHARS = 500  # longer messages are read from their start: enough for any question
WONT_OPEN = "trunk-wont-open"  # the commonest problem: it starts the run at once
LANGUAGE_REQUEST = "language_"  # small talk "language_ru": "можно по-русски?"


class TypedText:
    def __init__(self, conversation: Conversation) -> None:
        self.conversation = conversation
        self.kit = conversation.kit
        self.reader = conversation.reader

    def handle(self, state: ChatState, text: str) -> Result:
        conversation, menus = self.conversation, self.conversation.menus
        stripped = " ".join(text.split())
        if not stripped:
            return state, [menus.help(state)]
        quick = self._quick_reply(state, stripped)
        if quick is not None:
            return quick
        message = stripped[:MAX_QUESTION_CHARS]
        reading = self.reader.read(message)
        state, notices = self._follow_language(state, reading)
        if reading.urgent is not None:
            urgent = reading.urgent
            entry = conversation.knowledge.entry(urgent.entry)
            state = state.end_walk()
            lead = self.kit.ui(urgent.lead, state) if urgent.lead else ""
            reply = conversation.articles.answer(
                state, entry, lead=lead,
                kind=ReplyKind.EMERGENCY if urgent.emergency else ReplyKind.ANSWER)
            return state.showing(reply.screen), [*notices, reply]
        replied = self._reply_to_screen(state, message, reading)
        if replied is not None:
            return replied[0], [*notices, *replied[1]]
        if reading.small_talk is not None and reading.small_talk.startswith(LANGUAGE_REQUEST):
            language = reading.small_talk.removeprefix(LANGUAGE_REQUEST)
            return conversation.switch_language(state, language, edit=False)
        if reading.small_talk is not None:
            return state, [*notices, menus.small_talk(state, reading.small_talk)]
        state, replies = self._question(state, reading)
        return state, [*notices, *replies]

    def _question(self, state: ChatState, reading: Reading) -> Result:
        conversation, kit = self.conversation, self.kit
        if reading.other_make is not None:
            lead = kit.ui("other_make", state, make=reading.other_make.title())
            return state, [conversation.menus.help(state, lead=lead)]
        leads = []
        generation = reading.match.generation
        if generation is not None and state.car != generation.value:
            state = state.with_(car=generation.value)
            leads.append(kit.ui("car_noted", state, car=kit.car_name(state)))
        if reading.tried:
            names = ", ".join(kit.title(conversation.knowledge.entry(m), state)
                              for m in reading.tried)
            leads.append(kit.ui("tried_noted", state, ways=names))
            return conversation.walks.start(state, tried=reading.tried, edit=False,
                                            lead="\n".join(leads))
        match = reading.match
        if match.outcome is Outcome.ANSWER and match.answer_id == WONT_OPEN:
            leads.append(kit.ui("guided_intro", state))
            return conversation.walks.start(state, edit=False, lead="\n".join(leads))
        if match.outcome is Outcome.ANSWER and match.answer_id is not None:
            return conversation.view(state, Screen(Kind.ANSWER, match.answer_id), edit=False,
                                     lead="\n".join(leads))
        if match.outcome is Outcome.CLOSE_CALL:
            return state, [conversation.menus.did_you_mean(state, match.suggestions,
                                                           lead="\n".join(leads))]
        if leads:  # a model year alone: noted, and what next
            return conversation.view(state, MENU, edit=False, lead="\n".join(leads))
        return state, [conversation.menus.notice("unrelated", state, kind=ReplyKind.DECLINED)]

    def _reply_to_screen(self, state: ChatState, message: str,
                         reading: Reading) -> Result | None:
        """A typed reply to the walk or question on screen, as if its button was tapped."""
        if state.screen == END.code():
            return self._reply_to_end(state, message, reading)
        screen = self.conversation.walks.screen_of(state)
        if screen is None:
            return None
        entry = self.conversation.knowledge.entries.get(screen.entry)
        if entry is None:
            return None
        meaning = self.reader.walk_reply(message)
        answer = self.reader.answer(message)
        if screen.kind in (Kind.TOOLS, Kind.GATE) and meaning not in ("back", "stop", "repeat"):
            if answer is None:
                answer = "no" if meaning in ("failed", "skip") else (
                    "yes" if meaning == "worked" else None)
            if answer is None:
                return None
            args = (answer, entry.id, str(screen.index)) if screen.kind is Kind.TOOLS else (
                answer, entry.id)
            action = Action.TOOLS if screen.kind is Kind.TOOLS else Action.GATE
            return self.conversation.act(state, CallbackData(action, args), edit=False)
        last = self._is_last_step(state, entry, screen)
        if meaning is None and answer is not None:
            meaning = {"yes": "worked" if last else "next", "no": "failed"}[answer]
        if meaning is None:
            return None
        return self._walk_reply(state, entry.id, screen, meaning, last=last)

    def _walk_reply(self, state: ChatState, entry_id: str, screen: Screen, meaning: str, *,
                    last: bool) -> Result | None:
        conversation = self.conversation
        is_method = conversation.knowledge.entry(entry_id).is_method
        match meaning:
            case "worked" if is_method:
                data = CallbackData(Action.WORKED, (entry_id,))
            case "failed" | "skip" if is_method:
                data = CallbackData(Action.FAILED if last else Action.SKIP, (entry_id,))
            case "next" if last and is_method:
                data = CallbackData(Action.FAILED, (entry_id,))
            case "next":
                data = CallbackData(Action.WALK, (entry_id, str(screen.index + 1)))
            case "back":
                data = CallbackData(Action.BACK, (screen.code(),))
            case "repeat":
                data = CallbackData(Action.VIEW, (screen.code(),))
            case "stop":
                done = state.end_walk()
                return conversation.view(done, MENU, edit=False,
                                         lead=self.kit.ui("walk_stopped", done))
            case _:
                return None
        return conversation.act(state, data, edit=False)

    def _reply_to_end(self, state: ChatState, message: str, reading: Reading) -> Result | None:
        """After a run ended with nothing working, "no", "what now" or anything else that
        is not a new question gets the same honest answer again, not a run through what
        failed."""
        meaning = self.reader.walk_reply(message)
        if meaning in ("back", "stop"):
            return self.conversation.view(state, MENU, edit=False)
        if meaning == "worked" or (meaning is None and reading.small_talk is not None):
            return None
        if meaning is not None or reading.match.outcome is not Outcome.ANSWER:
            return self.conversation.view(state, END, edit=False)
        return None

    @staticmethod
    def _is_last_step(state: ChatState, entry: Entry, screen: Screen) -> bool:
        if screen.kind is not Kind.STEP:
            return False
        steps = entry.steps_for(state.generation)
        later = [s for s in steps[screen.index + 1:] if state.tools != "no" or not s.needs_tools]
        return not later

    def _follow_language(self, state: ChatState, reading: Reading) -> tuple[ChatState,
                                                                            list[Reply]]:
        """A message in the other language: answer in it, and say so once."""
        if not reading.language_confident or reading.language == language_of(state):
            return state, []
        state = state.with_(language=reading.language)
        return state, [self.conversation.menus.keyboard_notice(state, "language_followed")]

    def _quick_reply(self, state: ChatState, text: str) -> Result | None:
        """A button of the keyboard under the input field, in either language."""
        conversation = self.conversation
        button = conversation.quick_replies.get(text)
        if button is None:
            return None
        if button.walk is not None:
            entry = conversation.knowledge.entry(button.walk)
            return conversation.walks.step(state.end_walk(), entry, 0, edit=False)
        if button.menu == "guided":
            return conversation.walks.start(state, edit=False,
                                            lead=self.kit.ui("guided_intro", state))
        return conversation.view(state, Screen(Kind.FAQ if button.menu == "faq" else Kind.WAYS),
                                 edit=False)
