"""What a typed message means on the screen it was typed on, before anything is done about it.

Scoped by screen, as Dialogflow CX scopes intents to the page a person is on: each screen
declares the replies it expects (EXPECTED), a message is read against those first, then
against what is always in scope (someone shut in the boot, a language, small talk), and only
then as a new question for the knowledge. The acts come from a classifier that learned them
from a bank of examples (bot.matching.learned); a screen adds up the probabilities of the acts
that mean the same on it ("nope" is "no" and "failed" alike on a step), so an ambiguous
message is read the way the screen makes likely.

The result is an Intent, plain data; bot.dialog.typed_text carries it out.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.dialog.navigation import Kind, Screen
from bot.dialog.state import ChatState
from bot.knowledge import Act, Urgent
from bot.matching import Outcome
from bot.matching.reader import LANGUAGE_REQUEST, Reading

# On each screen, the replies it expects: groups of acts that mean the same there, named by the
# first. Acts a screen does not list are not replies to it.
_STEP = ((Act.WORKED,), (Act.FAILED, Act.NO), (Act.NEXT, Act.YES), (Act.BACK,), (Act.REPEAT,),
         (Act.SKIP,), (Act.STOP,))
_QUESTION_ASKED = ((Act.YES,), (Act.NO, Act.FAILED, Act.SKIP), (Act.WORKED,), (Act.BACK,),
                   (Act.REPEAT,), (Act.STOP,))
EXPECTED: dict[Kind, tuple[tuple[Act, ...], ...]] = {
    Kind.STEP: _STEP,
    Kind.TOOLS: _QUESTION_ASKED,
    Kind.GATE: _QUESTION_ASKED,
    Kind.ANSWER: ((Act.NEXT, Act.YES), (Act.FAILED, Act.NO, Act.SKIP), (Act.WORKED,),
                  (Act.BACK,), (Act.STOP,)),
    Kind.NOTHING_WORKED: ((Act.FAILED, Act.NO, Act.NEXT, Act.SKIP, Act.REPEAT), (Act.WORKED,),
                          (Act.BACK, Act.STOP)),
    Kind.EMERGENCY: ((Act.WORKED,), (Act.BACK,), (Act.REPEAT,), (Act.STOP,)),
}
for _kind in (Kind.MORE, Kind.SOURCES, Kind.WAYS, Kind.FAQ, Kind.HELP, Kind.CAR, Kind.MENU):
    EXPECTED[_kind] = ((Act.BACK,), (Act.STOP,))
WALK_KINDS = frozenset({Kind.STEP, Kind.TOOLS, Kind.GATE})
# Screens a question can be about: a step, a question the bot asked, an answer and its "More".
ASKABLE = frozenset({*WALK_KINDS, Kind.ANSWER, Kind.MORE, Kind.EMERGENCY})
# Screens after which the chat is about the boot: from then on it is never declined.
ABOUT_THE_BOOT = frozenset({Kind.STEP, Kind.TOOLS, Kind.GATE, Kind.ANSWER, Kind.MORE,
                            Kind.EMERGENCY, Kind.NOTHING_WORKED, Kind.WORKED})

# How sure the act classifier must be, summed over a screen's group, for a message to count as
# that reply; below it, the message is read as a question. Chosen on the development sets.
REPLY_CONFIDENCE = 0.5
# On the emergency screens every message moves on to the next step, except these, when sure.
EMERGENCY_REPLY_CONFIDENCE = 0.7
# A question on a step goes to another entry only when the question classifier is this sure
# that it is about that entry; otherwise it is about the step on screen.
OTHER_ENTRY_CONFIDENCE = 0.3
OTHER_ENTRY_MARGIN = 3.0
SMALL_TALK_CONFIDENCE = 0.5
SOME_SMALL_TALK = 0.3  # off the walk, with no question: "спасибо ещё раз" (thanks again)
REPLY_FLOOR = 0.35  # a reply the screen expects, over small talk around it: "hang on, go back"
ASKING = 0.25  # the act classifier's "question" at or above which an unsure message asks
REFUSAL = 0.4  # "skip", "failed" and "no" together: another way named is refused


@dataclass(frozen=True)
class OnScreen:
    """A reply to what the screen asked, as its button would be ("didn't work", "да")."""

    act: Act
    screen: Screen


@dataclass(frozen=True)
class StepQuestion:
    """A question about the step on screen ("which way does the lever go?"), answered in
    place; `about` is another entry it also draws on ("where exactly is that button?" on a
    step that says to press the opener), if any."""

    screen: Screen
    about: str | None = None


@dataclass(frozen=True)
class CarNamed:
    """Only which car it is ("it's a 2018 if that helps"): noted, and the screen stays."""

    screen: Screen


@dataclass(frozen=True)
class Alarm:
    """Someone shut in the boot, or the keys: answered before anything else."""

    urgent: Urgent


@dataclass(frozen=True)
class LanguageWanted:
    language: str


@dataclass(frozen=True)
class SmallTalk:
    """Small talk: hi, thanks, ok, swearing (None: which one, Reader.talk tells)."""

    meaning: str | None


@dataclass(frozen=True)
class Query:
    """Anything else: a question for the knowledge."""


Intent = OnScreen | StepQuestion | CarNamed | Alarm | LanguageWanted | SmallTalk | Query



def about_the_boot(state: ChatState) -> bool:
    """The chat has been about the boot: a walk, an answer or an emergency was shown."""
    return any(screen.kind in ABOUT_THE_BOOT for screen in state.history)


def interpret(state: ChatState, reading: Reading, own_entries: frozenset[str],
              runs_on: bool = True) -> Intent:
    """What the message means on the screen on show. `own_entries` are the entries the
    screen is about (the way on screen): a question landing on one of them asks about it.
    `runs_on`: "didn't work" under the answer on show starts the run."""
    screen = state.screen
    kind = screen.kind if screen is not None else None
    if reading.urgent is not None:
        if kind is Kind.EMERGENCY and reading.urgent.emergency and screen is not None:
            return OnScreen(Act.NEXT, screen)  # told again: on to the next step, not back
        return Alarm(reading.urgent)
    if screen is not None and kind is Kind.EMERGENCY:
        if reading.freed:  # "she's out!"
            return OnScreen(Act.WORKED, screen)
        act, sure = _best(reading, EXPECTED[Kind.EMERGENCY])
        if sure >= EMERGENCY_REPLY_CONFIDENCE:
            return OnScreen(act, screen)
        if "?" in reading.match.query:  # "which number??": answered, then the step again
            return StepQuestion(screen)
        return OnScreen(Act.NEXT, screen)
    talk = reading.small_talk
    if talk is not None and talk.startswith(LANGUAGE_REQUEST):
        return LanguageWanted(talk.removeprefix(LANGUAGE_REQUEST))
    if screen is not None and kind in EXPECTED:
        on_screen = _on_screen(screen, reading, own_entries, runs_on)
        if on_screen is not None:
            return on_screen
    if talk is not None:
        return SmallTalk(talk)
    if reading.match.outcome is not Outcome.ANSWER and _chatty(reading, kind):
        return SmallTalk(None)
    return Query()


def _chatty(reading: Reading, kind: Kind | None) -> bool:
    """Small talk by the act classifier: sure of it; or, where nothing on screen could open
    ("cheers legend" after it opened), it or a happy "it worked" likely, and no question."""
    acts = reading.acts
    if acts.best == Act.SMALL_TALK.value and acts.confidence >= SMALL_TALK_CONFIDENCE:
        return True
    if kind in WALK_KINDS or acts.best == Act.QUESTION.value:
        return False
    return acts.total((Act.SMALL_TALK.value, Act.WORKED.value)) >= SMALL_TALK_CONFIDENCE or (
        acts.of(Act.SMALL_TALK.value) >= SOME_SMALL_TALK)


def _on_screen(screen: Screen, reading: Reading, own_entries: frozenset[str],
               runs_on: bool) -> Intent | None:
    """`runs_on`: on an answer, "didn't work" starts the run (a way's, or one that offers it);
    on any other answer it asks what that answer says for it."""
    groups = EXPECTED[screen.kind]
    if reading.emoji is not None:  # 👍 alone: the screen's own meaning for it, if it has one
        group = next((g for g in groups if reading.emoji in g), None)
        return OnScreen(group[0], screen) if group is not None else None
    act, sure = _best(reading, (*groups, (Act.QUESTION,), (Act.SMALL_TALK,)))
    reply, reply_sure = _best(reading, groups)
    if act is Act.SMALL_TALK and reply_sure >= REPLY_FLOOR:
        act, sure = reply, reply_sure  # "hang on go back a sec": the reply, not the filler
    if screen.kind is Kind.STEP and (reading.tried or (reading.says_tried and reading.named)) and (
            act not in (Act.WORKED, Act.BACK, Act.STOP)):
        return OnScreen(Act.FAILED, screen)  # "tried the key too": that way as well
    if screen.kind in WALK_KINDS and reading.car_only:
        return CarNamed(screen)  # "it's a 2018 if that helps": noted, the walk stays
    if screen.kind in WALK_KINDS and reading.symptom is not None and act not in (
            Act.WORKED, Act.BACK, Act.STOP, Act.REPEAT):
        return OnScreen(Act.FAILED, screen)  # what they saw changes the advice, asked or told
    if (screen.kind is Kind.STEP and reading.match.answer_id == reading.wont_open
            and "?" not in reading.match.query and act not in (Act.WORKED, Act.BACK, Act.STOP)):
        return OnScreen(Act.FAILED, screen)  # "багажник не открывается" said again: still shut
    others = [w for w in reading.named if w not in own_entries]
    if screen.kind is Kind.STEP and others and "?" not in reading.match.query:
        # another way named with a refusal: "no kick thing on mine" (left out, this way
        # stays), "found the pad, pressed it, nada" (failed too, on to the next)
        skip = reading.acts.of(Act.SKIP.value)
        failed = reading.acts.total((Act.FAILED.value, Act.NO.value))
        if skip + failed >= REFUSAL:
            return OnScreen(Act.SKIP if skip > failed else Act.FAILED, screen)
    asks = act is Act.QUESTION or (sure < REPLY_CONFIDENCE and _asks(reading))
    if asks and reading.plainly_elsewhere:
        return None  # "best pizza near me" mid-walk: not about the boot, whatever the screen
    if screen.kind is Kind.ANSWER and act is Act.FAILED and not runs_on:
        asks = True  # "no spare" under the no-key answer: what it says for that
        # about the answer on show ("can I pour hot water on it?"), else a question of its own
        return StepQuestion(screen) if _about(reading, own_entries) else None
    if asks and screen.kind in ASKABLE:
        if not _elsewhere(reading, own_entries):
            return StepQuestion(screen)
        if reading.deictic:  # "that button": what the screen shows, told by the entry it is
            return StepQuestion(screen, reading.match.answer_id)
    if asks or act is Act.SMALL_TALK or sure < REPLY_CONFIDENCE:
        return None
    return OnScreen(act, screen)


def _about(reading: Reading, own_entries: frozenset[str]) -> bool:
    """A question about the entry on show: it is the likeliest, or, pointed at ("that"),
    among the likeliest."""
    ranked = [m.entry_id for m in reading.match.matches]
    if reading.match.outcome is Outcome.UNRELATED or reading.plainly_elsewhere:
        return False  # "how do I change the oil" under the key battery's answer
    return bool(ranked) and (ranked[0] in own_entries or (
        reading.deictic and bool(own_entries & set(ranked[:3]))))


def _asks(reading: Reading) -> bool:
    """Worded as a question, though not only one."""
    return "?" in reading.match.query or reading.acts.of(Act.QUESTION.value) >= ASKING


def _best(reading: Reading, groups: tuple[tuple[Act, ...], ...]) -> tuple[Act, float]:
    """The group of acts most probable, by the sum of its acts' probabilities."""
    scored = [(reading.acts.total(a.value for a in group), group[0]) for group in groups]
    sure, act = max(scored, key=lambda pair: pair[0])
    return act, sure


def _elsewhere(reading: Reading, own_entries: frozenset[str]) -> bool:
    """A question plainly about another entry than the one on screen: that entry is likely
    and far likelier than the screen's own ("where is the fuse box" on the first way)."""
    match = reading.match
    if match.outcome is not Outcome.ANSWER or match.answer_id in own_entries:
        return False
    own = sum(m.score for m in match.matches if m.entry_id in own_entries)
    best = match.matches[0].score
    return best >= OTHER_ENTRY_CONFIDENCE and best >= OTHER_ENTRY_MARGIN * own
