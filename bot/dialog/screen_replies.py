"""Typed replies to what the chat shows, answered as if its button had been tapped.

- On a step: worked / didn't work / next / back / repeat / skip / stop ("nope", "дальше",
  "👍"), "yes" and "no" too ("Did the boot open?"); a message whose last clause is one
  ("the indicators flashed but nothing") counts as that reply.
- On a question the bot asked (tools, "does your car have it?"): yes or no.
- On an answer: "next" or "what now" starts its steps; "no" or "still won't open" starts the
  run through the ways; after an emergency, anything that is not a new question shows it
  again ("which number??").
- On the honest end of a run: "no" or "what now" gets the same end, not the run again.
Anything else is a new question, read by bot.dialog.typed_text.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bot.dialog.callback_data import Action, CallbackData
from bot.dialog.navigation import MENU, Kind, Screen
from bot.dialog.reply import ReplyKind
from bot.dialog.state import ChatState
from bot.dialog.walks import Result
from bot.knowledge import Entry
from bot.matching import Outcome
from bot.matching.reader import Reading

if TYPE_CHECKING:
    from bot.dialog.conversation import Conversation

END = Screen(Kind.NOTHING_WORKED)
# Where a message's last clause starts: "the indicators flashed but nothing", "ок, не помогло".
_LAST_CLAUSE = re.compile(r"[,.;:!?]+|\s(?:but|and|though|но|и|а)\s", re.IGNORECASE)
CLAUSE_MEANINGS = ("failed", "worked")  # what a last clause may say on its own


class ScreenReplies:
    def __init__(self, conversation: Conversation) -> None:
        self.conversation = conversation
        self.reader = conversation.reader
        self.kit = conversation.kit

    def reply(self, state: ChatState, message: str, reading: Reading) -> Result | None:
        """The reply to what is on screen, or None when the message is something else."""
        screen = Screen.parse(state.screen or "")
        if screen is None:
            return None
        if screen.kind is Kind.NOTHING_WORKED:
            return self._to_end(state, message, reading)
        if screen.kind is Kind.ANSWER:
            return self._to_answer(state, screen, message, reading)
        entry = self.conversation.knowledge.entries.get(screen.entry)
        if screen.kind not in (Kind.STEP, Kind.TOOLS, Kind.GATE):
            # "back" under "More", the sources, a list: as its Back button
            if self._walk_meaning(message) == "back":
                return self.conversation.act(state, CallbackData(Action.BACK, (screen.code(),)),
                                             edit=False)
            return None
        if entry is None:
            return None
        meaning = self._walk_meaning(message)
        if screen.kind in (Kind.TOOLS, Kind.GATE) and meaning not in ("back", "stop", "repeat"):
            return self._to_question(state, screen, entry, message, meaning)
        last = self._is_last_step(state, entry, screen)
        answer = self.reader.answer(message)
        if meaning is None and answer is not None:
            meaning = {"yes": "worked" if last else "next", "no": "failed"}[answer]
        if meaning is None:
            return None
        return self._on_step(state, entry, screen, meaning, last=last)

    def _walk_meaning(self, message: str) -> str | None:
        meaning = self.reader.walk_reply(message)
        if meaning is not None:
            return meaning
        clauses = [c for c in _LAST_CLAUSE.split(message) if c.strip()]
        if len(clauses) > 1:
            last = self.reader.walk_reply(clauses[-1])
            if last in CLAUSE_MEANINGS:
                return last
            first = self.reader.walk_reply(clauses[0])
            if first in CLAUSE_MEANINGS and last in ("next", "skip"):
                return first  # "не сработало, давай дальше": what happened, then go on
        return None

    def _to_question(self, state: ChatState, screen: Screen, entry: Entry, message: str,
                     meaning: str | None) -> Result | None:
        if meaning == "worked":  # "it's open!" while the bot was asking: whatever it asked
            opened = state.shown[-1] if state.shown else entry.id
            return self.conversation.act(state, CallbackData(Action.WORKED, (opened,)),
                                         edit=False)
        answer = self.reader.answer(message)
        if answer is None:
            answer = {"failed": "no", "skip": "no"}.get(meaning or "")
        if answer is None:
            return None
        if screen.kind is Kind.TOOLS:
            data = CallbackData(Action.TOOLS, (answer, entry.id, str(screen.index)))
        else:
            data = CallbackData(Action.GATE, (answer, entry.id))
        return self.conversation.act(state, data, edit=False)

    def _on_step(self, state: ChatState, entry: Entry, screen: Screen, meaning: str, *,
                 last: bool) -> Result | None:
        conversation = self.conversation
        match meaning:
            case "worked" if entry.is_method:
                data = CallbackData(Action.WORKED, (entry.id,))
            case "failed" | "skip" if entry.is_method:
                data = CallbackData(Action.FAILED if last else Action.SKIP, (entry.id,))
            case "next" if last and entry.is_method:
                data = CallbackData(Action.FAILED, (entry.id,))
            case "next":
                data = CallbackData(Action.WALK, (entry.id, str(screen.index + 1)))
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

    def _to_answer(self, state: ChatState, screen: Screen, message: str,
                   reading: Reading) -> Result | None:
        conversation = self.conversation
        entry = conversation.knowledge.entries.get(screen.entry)
        if entry is None:
            return None
        meaning = self._walk_meaning(message)
        if meaning is None and self.reader.answer(message) == "no":
            meaning = "failed"
        if meaning in ("failed", "skip") and entry.id not in conversation.emergencies:
            # "still won't open", "no": the run, from the next way if this answer was one
            tried = (entry.id,) if entry.is_method else ()
            return conversation.walks.start(state, tried=tried, edit=False,
                                            lead=self.kit.ui("guided_intro", state))
        if meaning in ("next", "repeat") and entry.steps:
            return conversation.view(state, Screen(Kind.STEP, entry.id, 0), edit=False)
        if meaning == "back":
            return conversation.act(state, CallbackData(Action.BACK, (screen.code(),)),
                                    edit=False)
        if (entry.id in conversation.emergencies and reading.small_talk is None
                and reading.match.outcome is not Outcome.ANSWER):
            reply = conversation.articles.answer(state, entry, kind=ReplyKind.EMERGENCY)
            return state, [reply]  # "which number??", "called 911, now what?"
        return None

    def _to_end(self, state: ChatState, message: str, reading: Reading) -> Result | None:
        """After a run ended with nothing working, "no", "what now" or anything else that
        is not a new question gets the same honest answer again, not a run through what
        failed."""
        meaning = self._walk_meaning(message)
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
