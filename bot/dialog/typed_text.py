"""What a typed message does: bot.dialog.understanding says what it means on the screen on
show; this module carries that out.

- Someone shut in the boot comes first, whatever is on screen; nothing is said before it.
- A reply to the screen acts like its button ("didn't work", "далі", 👍), with what the same
  message says besides (the ways tried too, the car, no jump leads, what was seen) applied.
- A question about the step on screen is answered from that step's own tips and warnings,
  and the walk stays where it was.
- Small talk gets a short human answer; a language asked for is switched to.
- Anything else is a question for the knowledge: answered, walked (any wording of "it won't
  open" starts the run), offered as "did you mean", or declined. Inside a conversation about
  the boot the bot never declines: a message it cannot place gets the screen's own question
  again.
A message in the other language switches the chat to it; one in a language the bot does not
speak is answered in the closer of its two, and told once which it speaks.
"""

from __future__ import annotations

from typing import Protocol

from bot.dialog.callback_data import Action, CallbackData
from bot.dialog.effects import Asked, Question
from bot.dialog.navigation import MENU, Kind, Screen
from bot.dialog.reply import Reply, ReplyKind
from bot.dialog.screens import Articles, Kit, Menus, language_of
from bot.dialog.state import ChatState
from bot.dialog.understanding import (
    Alarm,
    CarNamed,
    LanguageWanted,
    OnScreen,
    Query,
    SmallTalk,
    StepQuestion,
    about_the_boot,
    interpret,
)
from bot.dialog.walks import WALK_SCREENS, Result, Walks
from bot.knowledge import LANGUAGES, Act, Entry, Knowledge, Symptom, Urgent
from bot.matching import Outcome
from bot.matching.reader import Reader, Reading

MAX_QUESTION_CHARS = 500  # longer messages are read from their start: enough for any question
# What an answer to a question about the screen adds to it: the screen stays phone-sized.
HELP_CHARS = 260


class Moves(Protocol):
    """What typed text needs of the conversation: the moves a button makes."""

    def act(self, state: ChatState, data: CallbackData, *, edit: bool) -> Result | None: ...

    def view(self, state: ChatState, screen: Screen, *, edit: bool,
             lead: str = "") -> Result: ...

    def switch_language(self, state: ChatState, language: str, *, edit: bool) -> Result: ...

    def valid(self, screen: Screen | None, state: ChatState) -> bool: ...


class TypedText:
    def __init__(self, knowledge: Knowledge, reader: Reader, kit: Kit, menus: Menus,
                 articles: Articles, walks: Walks, moves: Moves) -> None:
        self.knowledge = knowledge
        self.reader = reader
        self.kit = kit
        self.menus = menus
        self.articles = articles
        self.walks = walks
        self.moves = moves
        self.quick_replies = {knowledge.ui(button.label, language): button
                              for button in knowledge.quick_replies for language in LANGUAGES}

    def handle(self, state: ChatState, text: str, *, fixed_language: str | None = None
               ) -> Result:
        """`fixed_language`: answer in it, whatever language the text reads as."""
        stripped = " ".join(text.split())
        if not stripped:
            return state, [self.menus.help(state)]
        quick = self._quick_reply(state, stripped)
        if quick is not None:
            return quick
        reading = self.reader.read(stripped[:MAX_QUESTION_CHARS],
                                   about_the_boot=about_the_boot(state))
        pending, state = state.pending, state.with_(pending=None)
        if pending is not None and self._ours_after_all(reading):
            return _asked(self._asked_again(state, pending, reading), Question.ANSWERED)
        notices: list[Reply]
        if fixed_language is not None:
            state, notices = state.with_(language=fixed_language), []
        else:
            state, notices = self._follow_language(state, reading)
        intent = interpret(state, reading, self._own_entries(state), self._runs_on(state))
        replies: list[Reply]
        match intent:
            case Alarm(urgent):
                state, replies = _asked(self._alarm(state, urgent), Question.ANSWERED)
                return state, [*replies, *notices]  # nothing comes before the call for help
            case OnScreen(act, screen):
                result = self._on_screen(state, act, screen, reading)
                state, replies = result if result is not None else self._question(state,
                                                                                  reading)
            case StepQuestion(screen, about):
                state, replies = self._step_help(state, screen, reading, about)
                if screen.kind in (Kind.ANSWER, Kind.MORE):  # the answer again, for this
                    state, replies = _asked((state, replies), Question.ANSWERED)
            case CarNamed(screen):
                state, noted = self._car(state, reading)
                state, replies = self.moves.view(state, screen, edit=False,
                                                 lead="\n".join(noted))
            case LanguageWanted(language):
                return self.moves.switch_language(state, language, edit=False)
            case SmallTalk(meaning):
                talk = meaning or self.reader.talk(stripped[:MAX_QUESTION_CHARS])
                replies = [self.menus.small_talk(state, talk)]
            case Query():
                state, replies = self._question(state, reading)
        return state, [*notices, *replies]

    # -- always first ----------------------------------------------------------------------------

    def _alarm(self, state: ChatState, urgent: Urgent) -> Result:
        if urgent.emergency:
            return self.moves.view(state.end_walk(), Screen(Kind.EMERGENCY, urgent.entry, 0),
                                   edit=False)
        lead = self.kit.ui(urgent.lead, state) if urgent.lead else ""
        return self.moves.view(state.end_walk(), Screen(Kind.ANSWER, urgent.entry),
                               edit=False, lead=lead)

    # -- replies to the screen -------------------------------------------------------------------

    def _on_screen(self, state: ChatState, act: Act, screen: Screen,
                   reading: Reading) -> Result | None:
        entry = self.knowledge.entries.get(screen.entry)
        if reading.symptom is not None and screen.kind in WALK_SCREENS and act not in (
                Act.WORKED, Act.BACK, Act.STOP, Act.REPEAT):
            return self._symptom(state, reading.symptom, reading)
        match screen.kind:
            case Kind.STEP if entry is not None:
                return self._on_step(self._noted(state, reading), entry, screen, act, reading)
            case Kind.TOOLS | Kind.GATE if entry is not None:
                return self._on_question(state, entry, screen, act)
            case Kind.ANSWER if entry is not None:
                return self._on_answer(state, entry, screen, act, reading)
            case Kind.NOTHING_WORKED:
                return self._on_end(state, act)
            case Kind.EMERGENCY if entry is not None:
                return self._on_emergency(state, entry, screen, act)
        if act is Act.BACK:
            return self._tap(state, Action.BACK, screen.code())
        if act is Act.STOP:
            return self.moves.view(state.end_walk(), MENU, edit=False)
        return None

    def _on_step(self, state: ChatState, entry: Entry, screen: Screen, act: Act,
                 reading: Reading) -> Result | None:
        last = self._is_last_step(state, entry, screen)
        others = tuple(w for w in (*reading.tried, *reading.named) if w != entry.id)
        match act:
            case Act.WORKED if entry.is_way:
                return self._tap(state, Action.WORKED, entry.id)
            case Act.SKIP if others and state.guided:
                # "mine hasn't got the kick thing": that way is left out, this one stays
                state = self.walks.leave_out(state, others)
                names = ", ".join(self.kit.title(self.knowledge.entry(w), state) for w in others)
                return self.moves.view(state, screen, edit=False,
                                       lead=self.kit.ui("ways_left_out", state, ways=names))
            case Act.FAILED | Act.SKIP if entry.is_way:
                # "found the pad, pressed it, nada": the ways it names failed too
                state = self.walks.leave_out(state, others)
                return self._tap(state, Action.FAILED if last else Action.SKIP, entry.id)
            case Act.NEXT if last and entry.is_way:
                return self._tap(state, Action.FAILED, entry.id)
            case Act.NEXT:
                return self._tap(state, Action.WALK, entry.id, str(screen.index + 1))
            case Act.BACK:
                return self._tap(state, Action.BACK, screen.code())
            case Act.REPEAT:
                return self._tap(state, Action.VIEW, screen.code())
            case Act.STOP:
                done = state.end_walk()
                return self.moves.view(done, MENU, edit=False,
                                       lead=self.kit.ui("walk_stopped", done))
        return None

    def _on_question(self, state: ChatState, entry: Entry, screen: Screen,
                     act: Act) -> Result | None:
        """Jump leads? Does your car have it? Yes, no, or "it's open!" whatever was asked."""
        match act:
            case Act.WORKED:
                opened = state.shown[-1] if state.shown else entry.id
                return self._tap(state, Action.WORKED, opened)
            case Act.YES | Act.NO if screen.kind is Kind.TOOLS:
                return self._tap(state, Action.TOOLS, act.value, entry.id, str(screen.index))
            case Act.YES | Act.NO:
                return self._tap(state, Action.GATE, act.value, entry.id)
            case Act.BACK:
                return self._tap(state, Action.BACK, screen.code())
            case Act.REPEAT:
                return self._tap(state, Action.VIEW, screen.code())
            case Act.STOP:
                return self.moves.view(state.end_walk(), MENU, edit=False)
        return None

    def _on_answer(self, state: ChatState, entry: Entry, screen: Screen, act: Act,
                   reading: Reading) -> Result | None:
        """Under an answer: "next" walks its steps; "didn't work" starts the run."""
        match act:
            case Act.FAILED:
                tried = (entry.id,) if entry.is_way else ()
                return self.walks.start(state, tried=(*tried, *reading.tried), edit=False,
                                        lead=self.kit.ui("guided_intro", state),
                                        tools=state.tools)
            case Act.NEXT if entry.steps:
                return self.moves.view(state, Screen(Kind.STEP, entry.id, 0), edit=False)
            case Act.WORKED:  # "nvm it's open now": glad, and no steps to show
                return state, [self.menus.small_talk(state, "opened")]
            case Act.BACK:
                return self._tap(state, Action.BACK, screen.code())
            case Act.STOP:
                return self.moves.view(state, MENU, edit=False)
        return None

    def _on_end(self, state: ChatState, act: Act) -> Result | None:
        """After nothing worked, "no" or "what now" gets the same honest end, not the run
        again."""
        match act:
            case Act.BACK | Act.STOP:
                return self.moves.view(state, MENU, edit=False)
            case Act.WORKED:
                return state, [self.menus.small_talk(state, "opened")]
        return self.moves.view(state, Screen(Kind.NOTHING_WORKED), edit=False)

    def _on_emergency(self, state: ChatState, entry: Entry, screen: Screen,
                      act: Act) -> Result:
        """Someone shut in: every message moves on to the next concrete step."""
        match act:
            case Act.WORKED:
                return self.moves.view(state, Screen(Kind.WORKED, entry.id), edit=False)
            case Act.BACK:
                return self.moves.view(state, screen.parent(), edit=False)
            case Act.REPEAT:
                return self.moves.view(state, screen, edit=False)
            case Act.STOP:
                return self.moves.view(state, MENU, edit=False)
        following = Screen(Kind.EMERGENCY, entry.id, min(screen.index + 1, len(entry.steps)))
        return self.moves.view(state, following, edit=False)

    def _symptom(self, state: ChatState, symptom: Symptom, reading: Reading) -> Result:
        """What the person saw points somewhere: said in a line, then that way of the run
        (the ways before it passed over, the way on screen counted as tried) or that answer."""
        lead = self.kit.ui(symptom.lead, state)
        if symptom.answer is not None:
            return self.moves.view(state, Screen(Kind.ANSWER, symptom.answer), edit=False,
                                   lead=lead)
        assert symptom.way is not None
        if not state.guided:
            return self.walks.start(state, tried=reading.tried, edit=False, lead=lead,
                                    tools=state.tools, at=symptom.way)
        on_screen = (state.way,) if state.way is not None else ()
        state = self.walks.leave_out(state, (*on_screen, *reading.tried))
        return self.walks.go_to(state.with_(way=None, step=0), symptom.way, edit=False,
                                lead=lead)

    # -- a question about the step on screen -----------------------------------------------------

    def _step_help(self, state: ChatState, screen: Screen, reading: Reading,
                   about: str | None) -> Result:
        entry = self.knowledge.entries.get(screen.entry)
        if entry is None:
            return self._question(state, reading)
        texts = self._help_texts(state, entry, screen)
        other = self.knowledge.entries.get(about or "")
        if other is not None:
            texts = [*self._help_texts(state, other, Screen(Kind.ANSWER, other.id)), *texts]
        lines = self.reader.closest(reading.match.query, texts, chars=HELP_CHARS)
        if screen.kind is Kind.EMERGENCY:  # "which number??": answered, the step again
            state, replies = self.moves.view(state, screen, edit=False)
            return state, [self.articles.helped(replies[-1], state, lines,
                                                kind=ReplyKind.EMERGENCY)]
        if screen.kind in (Kind.ANSWER, Kind.MORE):  # "can I pour hot water on it?"
            state, replies = self.moves.view(state, Screen(Kind.ANSWER, entry.id), edit=False)
            return state, [self.articles.helped(replies[-1], state, lines,
                                                kind=ReplyKind.ANSWER)]
        if screen.kind is Kind.STEP:
            shown = self.walks.visible(state, entry)
            reply = self.articles.step_help(state, entry, screen.index, shown, lines,
                                            position=self.walks.position(state))
            return state, [reply]
        state, replies = self.moves.view(state, screen, edit=False)
        return state, [self.articles.helped(replies[-1], state, lines)]

    def _help_texts(self, state: ChatState, entry: Entry, screen: Screen) -> list[str]:
        """What can answer a question about the step: its own tip and warning first, then
        the way's other steps, tips and warnings, and the note for this car."""
        language = language_of(state)
        steps = entry.steps_for(state.generation)
        own = steps[screen.index] if screen.kind in (Kind.STEP, Kind.TOOLS) and (
            screen.index < len(steps)) else None
        texts = [t.in_(language) for t in (own.tip, own.warning) if t is not None] if own else []
        texts.append(entry.answer.in_(language))
        for step in steps:
            if step is not own:
                texts += [t.in_(language) for t in (step.tip, step.warning) if t is not None]
                if screen.kind is Kind.EMERGENCY:
                    texts.append(step.do.in_(language))
        texts += [t.in_(language) for t in (*entry.tips, *entry.warnings)]
        if state.generation is not None and state.generation in entry.generation_notes:
            texts.append(entry.generation_notes[state.generation].in_(language))
        return texts

    # -- a question for the knowledge ------------------------------------------------------------

    def _question(self, state: ChatState, reading: Reading) -> Result:
        walks, kit, match = self.walks, self.kit, reading.match
        leads = []
        if reading.other_make is not None:
            make = kit.ui("other_make", state, make=reading.other_make.title())
            if not reading.about_qashqai:
                return state.with_(pending=match.answer_id), [self.menus.help(state, lead=make)]
            leads.append(make)  # "it's basically a qashqai": the answer, with that said
        state, noted = self._car(state, reading)
        leads += noted
        if reading.no_tools:
            state = state.with_(tools=False)
        if reading.symptom is not None:
            return _asked(self._symptom(state, reading.symptom, reading), Question.ANSWERED)
        walk = walks.screen_of(state)
        lead = "\n".join(leads)
        if reading.tried and not (walk is not None and state.guided):
            names = ", ".join(kit.title(self.knowledge.entry(m), state) for m in reading.tried)
            lead = "\n".join([*leads, kit.ui("tried_noted", state, ways=names)])
            return _asked(walks.start(state, tried=reading.tried, edit=False, lead=lead,
                                      tools=state.tools), Question.ANSWERED)
        wont_open = self.knowledge.guided_entry
        if match.outcome is Outcome.ANSWER and match.answer_id == wont_open:
            if walk is not None and state.guided:  # "still won't open" mid-run: the next way
                return self._on_screen(state, Act.FAILED, walk, reading) or (state, [])
            return _asked(walks.start(state, edit=False, lead="\n".join(
                [*leads, kit.ui("guided_intro", state)]), tools=state.tools), Question.ANSWERED)
        if match.outcome is Outcome.ANSWER and match.answer_id is not None:
            return _asked(self.moves.view(state, Screen(Kind.ANSWER, match.answer_id),
                                          edit=False, lead=lead), Question.ANSWERED)
        shown = state.screen
        if walk is not None and (leads or reading.no_tools):
            # "it's a 2023 if that matters", "no leads here": noted, and the walk stays
            return self.moves.view(state, walk, edit=False, lead=lead)
        if match.outcome is Outcome.CLOSE_CALL:
            if shown is not None and shown.entry in match.suggestions:
                # "and where is that setting?" under an answer: that answer's "More"
                kind = Kind.STEP if walk is not None else Kind.MORE
                target = walk if walk is not None else Screen(kind, shown.entry)
                return self.moves.view(state, target, edit=False, lead=lead)
            return _asked((state, [self.menus.did_you_mean(state, match.suggestions, lead=lead)]),
                          Question.DID_YOU_MEAN)
        if leads:  # a model year alone: noted, and what next
            return self.moves.view(state, MENU, edit=False, lead=lead)
        if about_the_boot(state) and not reading.plainly_elsewhere:
            return self._reask(state, shown)
        return _asked((state, [self.menus.notice("unrelated", state, kind=ReplyKind.DECLINED)]),
                      Question.DECLINED)

    @staticmethod
    def _ours_after_all(reading: Reading) -> bool:
        """"Sorry, it's the qashqai, 2016": our car named, and nothing new asked."""
        match = reading.match
        return (reading.about_qashqai or match.generation is not None) and (
            reading.car_only or match.outcome is not Outcome.ANSWER
            or "?" not in match.query)

    def _asked_again(self, state: ChatState, pending: str, reading: Reading) -> Result:
        """What the message about another make asked, now for the Qashqai."""
        state, noted = self._car(state, reading, about_ours=True)
        lead = "\n".join(noted)
        if pending == self.knowledge.guided_entry:
            return self.walks.start(state, edit=False, tools=state.tools, lead="\n".join(
                [*noted, self.kit.ui("guided_intro", state)]))
        return self.moves.view(state, Screen(Kind.ANSWER, pending), edit=False, lead=lead)

    def _reask(self, state: ChatState, shown: Screen | None) -> Result:
        """Inside a conversation about the boot, a message the bot cannot place: the screen
        on show again, with its own question and buttons, rather than a decline."""
        if shown is None or shown.kind not in (*WALK_SCREENS, Kind.ANSWER, Kind.EMERGENCY,
                                               Kind.NOTHING_WORKED):
            shown = MENU
        key = "not_understood_question" if shown.kind in (Kind.TOOLS, Kind.GATE) else (
            "not_understood_step" if shown.kind is Kind.STEP else "not_understood")
        return self.moves.view(state, shown, edit=False, lead=self.kit.ui(key, state))

    def _car(self, state: ChatState, reading: Reading, *,
             about_ours: bool = False) -> tuple[ChatState, list[str]]:
        """A model year or generation names the car, when the message is about the boot or
        our car, or says only that ("it's a 2016 btw"): "what oil for my 2016" is neither."""
        generation = reading.match.generation
        if generation is None or state.car == generation:
            return state, []
        if reading.match.outcome is Outcome.UNRELATED and not (about_ours or reading.car_only):
            return state, []
        state = state.with_(car=generation)
        return state, [self.kit.ui("car_noted", state, car=self.kit.car_name(state))]

    def _noted(self, state: ChatState, reading: Reading) -> ChatState:
        """What a reply says besides: the car, or that there are no jump leads."""
        state, _ = self._car(state, reading)
        return state.with_(tools=False) if reading.no_tools else state

    # -- small things ----------------------------------------------------------------------------

    def _own_entries(self, state: ChatState) -> frozenset[str]:
        """The entries a question on the screen on show may be about: the way on screen,
        and "it won't open" while a run is under way."""
        screen = state.screen
        own = {screen.entry} if screen is not None and screen.entry else set()
        if state.guided:
            own.add(self.knowledge.guided_entry)
        return frozenset(own)

    def _runs_on(self, state: ChatState) -> bool:
        """Whether "didn't work" under the answer on show starts the run: a way's answer, or
        one that offers the run."""
        screen = state.screen
        entry = self.knowledge.entries.get(screen.entry if screen is not None else "")
        return entry is None or entry.is_way or entry.id in self.knowledge.guided_offered_by

    def _tap(self, state: ChatState, action: Action, *args: str) -> Result | None:
        return self.moves.act(state, CallbackData(action, tuple(args)), edit=False)

    def _follow_language(self, state: ChatState, reading: Reading) -> tuple[ChatState,
                                                                            list[Reply]]:
        """A message in the other language: answer in it, and say so once. In a language the
        bot does not speak: the closer of its two, and once, which it speaks."""
        if reading.foreign is not None:
            language = reading.language
            if state.told_languages and state.language is not None:
                return state, []
            state = state.with_(language=language, told_languages=True)
            return state, [self.menus.keyboard_notice(state, "languages_spoken")]
        if not reading.language_confident or reading.language == language_of(state):
            return state, []
        state = state.with_(language=reading.language)
        return state, [self.menus.keyboard_notice(state, "language_followed")]

    def _quick_reply(self, state: ChatState, text: str) -> Result | None:
        """A button of the keyboard under the input field, in either language."""
        button = self.quick_replies.get(text)
        if button is None:
            return None
        if button.walk is not None:
            entry = self.knowledge.entry(button.walk)
            return self.walks.step(state.end_walk(), entry, 0, edit=False)
        if button.menu == "guided":
            return self.walks.start(state, edit=False, lead=self.kit.ui("guided_intro", state))
        return self.moves.view(state, Screen(Kind.FAQ if button.menu == "faq" else Kind.WAYS),
                               edit=False)

    def _is_last_step(self, state: ChatState, entry: Entry, screen: Screen) -> bool:
        return screen.kind is Kind.STEP and not [
            i for i in self.walks.visible(state, entry) if i > screen.index]



def _asked(result: Result, outcome: Question) -> Result:
    """A typed question, and what it got: said by the reply that answers it."""
    state, replies = result
    return state, [*replies[:-1], replies[-1].doing(Asked(outcome))] if replies else replies
