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

from bot.dialog.navigation import MENU, Kind, Screen
from bot.dialog.reply import Reply, ReplyKind
from bot.dialog.screen_replies import ScreenReplies
from bot.dialog.screens import language_of
from bot.dialog.state import ChatState
from bot.dialog.walks import Result
from bot.matching import Outcome
from bot.matching.reader import Reading

if TYPE_CHECKING:
    from bot.dialog.conversation import Conversation


MAX_QUESTION_CHARS = 500  # longer messages are read from their start: enough for any question
LANGUAGE_REQUEST = "language_"  # small talk "language_ru": "можно по-русски?"


class TypedText:
    def __init__(self, conversation: Conversation) -> None:
        self.conversation = conversation
        self.kit = conversation.kit
        self.reader = conversation.reader
        self.screen_replies = ScreenReplies(conversation)

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
        replied = self.screen_replies.reply(state, message, reading)
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
        leads = []
        if reading.other_make is not None:
            make = kit.ui("other_make", state, make=reading.other_make.title())
            if not reading.about_qashqai:
                return state, [conversation.menus.help(state, lead=make)]
            leads.append(make)  # "it's basically a qashqai": the answer, with that said
        generation = reading.match.generation
        if generation is not None and state.car != generation.value:
            state = state.with_(car=generation.value)
            leads.append(kit.ui("car_noted", state, car=kit.car_name(state)))
        if reading.no_tools:
            state = state.with_(tools="no")
        match = reading.match
        walk = conversation.walks.screen_of(state)
        if reading.tried:
            names = ", ".join(kit.title(conversation.knowledge.entry(m), state)
                              for m in reading.tried)
            leads.append(kit.ui("tried_noted", state, ways=names))
            return conversation.walks.start(state, tried=reading.tried, edit=False,
                                            lead="\n".join(leads), tools=state.tools)
        if match.outcome is Outcome.ANSWER and match.answer_id == conversation.wont_open:
            leads.append(kit.ui("guided_intro", state))
            return conversation.walks.start(state, edit=False, lead="\n".join(leads),
                                            tools=state.tools)
        if match.outcome is Outcome.ANSWER and match.answer_id is not None:
            return conversation.view(state, Screen(Kind.ANSWER, match.answer_id), edit=False,
                                     lead="\n".join(leads))
        if walk is not None and leads and match.outcome is not Outcome.CLOSE_CALL:
            # "it's a 2023 if that matters": noted, and the walk on screen stays
            return conversation.view(state, walk, edit=False, lead="\n".join(leads))
        if walk is not None and match.outcome is Outcome.CLOSE_CALL:
            # "do I hold it or press it?" mid-walk: the walk makes the likeliest reading
            # likelier still; the way on screen if it is among them
            suggested = walk.entry if walk.entry in match.suggestions else match.suggestions[0]
            return conversation.view(state, Screen(Kind.ANSWER, suggested), edit=False,
                                     lead="\n".join(leads))
        shown = Screen.parse(state.screen or "")
        if (match.outcome is Outcome.CLOSE_CALL and shown is not None
                and shown.entry in match.suggestions):
            # "and where is that setting?" under an answer: that answer's "More"
            return conversation.view(state, Screen(Kind.MORE, shown.entry), edit=False,
                                     lead="\n".join(leads))
        if match.outcome is Outcome.CLOSE_CALL:
            return state, [conversation.menus.did_you_mean(state, match.suggestions,
                                                           lead="\n".join(leads))]
        if leads:  # a model year alone: noted, and what next
            return conversation.view(state, MENU, edit=False, lead="\n".join(leads))
        return state, [conversation.menus.notice("unrelated", state, kind=ReplyKind.DECLINED)]

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
