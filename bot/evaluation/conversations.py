"""Scores the conversation on multi-turn cases (tests/data/conversations.yaml's format).

Each case is a short conversation: typed messages, button taps named by what they mean
("didnt_work", "back"), and commands, each with what must hold afterwards: which kind of
screen is shown, which way and step, the language, the car, what the text mentions. The
pure conversation is driven exactly as the Telegram layer drives it, so a case passes here
if and only if it would pass in a chat. Scores are per behaviour (typed replies, small talk,
emergencies...): a case passes when every turn does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.dialog import ChatState, Command, Conversation, Event, Reply, Tap, TextMessage
from bot.dialog.callback_data import Action
from bot.dialog.navigation import Kind
from bot.dialog.reply import Button, ReplyKind
from bot.dialog.screens import language_of
from bot.knowledge import Generation

# Tap meanings, and the button actions that carry them.
TAPS: Mapping[str, tuple[Action, ...]] = {
    "it_opened": (Action.WORKED,),
    "didnt_work": (Action.FAILED, Action.SKIP),
    "another_way": (Action.SKIP, Action.FAILED),
    "next": (Action.WALK,),
    "back": (Action.BACK,),
    "menu": (Action.VIEW,),
    "more": (Action.VIEW,),
    "yes": (Action.GATE, Action.TOOLS),
    "no": (Action.GATE, Action.TOOLS),
}
# What the cases call a walk: a step, or a question asked on the way ("does your car have it?").
WALK_KINDS = {ReplyKind.WALK, ReplyKind.GATE_QUESTION}
WAY_SCREENS = {Kind.STEP, Kind.TOOLS, Kind.GATE}


@dataclass(frozen=True)
class ScriptedTurn:
    event: str  # user | tap | command
    value: str
    expect: Mapping[str, Any]


@dataclass(frozen=True)
class Case:
    id: str
    behaviour: str
    language_code: str
    car: str | None
    turns: tuple[ScriptedTurn, ...]


@dataclass
class CaseResult:
    case: Case
    failures: list[str] = field(default_factory=list)  # "turn 2: expected ..., got ..."
    emergency_turns: int = 0  # turns that expect the emergency screen
    emergency_passed: int = 0
    boot_declines: int = 0  # "I only help with the boot" inside a conversation about it

    @property
    def passed(self) -> bool:
        return not self.failures


def read_cases(path: Path) -> list[Case]:
    items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    cases = []
    for item in items:
        turns = []
        for raw in item["turns"]:
            kind = next(k for k in ("user", "tap", "command") if k in raw)
            turns.append(ScriptedTurn(kind, str(raw[kind]), raw.get("expect") or {}))
        cases.append(Case(str(item["id"]), str(item["behaviour"]),
                          str(item.get("language_code", "en")), item.get("car"), tuple(turns)))
    return cases


def is_conversation_file(path: Path) -> bool:
    items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return bool(items) and isinstance(items[0], dict) and "turns" in items[0]


class _Chat:
    """One chat driven through the pure conversation, as the Telegram layer would."""

    def __init__(self, conversation: Conversation, case: Case) -> None:
        self.conversation = conversation
        self.code = case.language_code
        self.state = ChatState(car=Generation(case.car) if case.car else None)
        self.replies: list[Reply] = []

    def event_for(self, turn: ScriptedTurn) -> Event | str:
        """The event, or why there is none (a tap on a button that is not there)."""
        if turn.event == "user":
            return TextMessage(turn.value, self.code)
        if turn.event == "command":
            return Command.parse(turn.value, self.code)
        button = self._button(turn.value)
        return Tap(button.data, self.code) if button else f"no '{turn.value}' button to tap"

    def _button(self, meaning: str) -> Button | None:
        codec = self.conversation.kit.codec
        for reply in reversed(self.replies):
            for row in reply.buttons:
                for button in row:
                    data = codec.unpack(button.data)
                    if data is None or data.action not in TAPS.get(meaning, ()):
                        continue
                    code = data.args[0] if data.args else ""
                    if meaning == "menu" and code != "menu":
                        continue
                    if meaning == "more" and not code.startswith("more."):
                        continue
                    if meaning in ("yes", "no") and code != meaning:
                        continue
                    return button
            if reply.buttons:
                return None  # only the newest message with buttons is in reach
        return None


def evaluate(conversation: Conversation, cases: Sequence[Case]) -> list[CaseResult]:
    outcomes = []
    for case in cases:
        chat = _Chat(conversation, case)
        outcome = CaseResult(case)
        watch = _Invariants()
        for number, turn in enumerate(case.turns, 1):
            event = chat.event_for(turn)
            if isinstance(event, str):
                outcome.failures.append(f"turn {number} ({turn.value}): {event}")
                break
            before, before_replies = chat.state, chat.replies
            chat.state, chat.replies, _ = conversation.handle(chat.state, event)
            problems = _check(turn.expect, before, chat.state, chat.replies, before_replies)
            problems += watch.after(turn.expect, chat.replies)
            outcome.boot_declines += any(p.startswith(_DECLINED_INSIDE) for p in problems)
            if turn.expect.get("screen") == ReplyKind.EMERGENCY.value:
                outcome.emergency_turns += 1
                outcome.emergency_passed += not problems
            outcome.failures.extend(f"turn {number} ({turn.value!r}): {p}" for p in problems)
        outcomes.append(outcome)
    return outcomes


_DECLINED_INSIDE = "declined inside a conversation about the boot"
# Replies that make a chat a conversation about the boot: from then on it is never declined.
_ABOUT_THE_BOOT = {ReplyKind.WALK, ReplyKind.GATE_QUESTION, ReplyKind.TOOLS_QUESTION,
                   ReplyKind.ANSWER, ReplyKind.MORE, ReplyKind.STEP_HELP, ReplyKind.EMERGENCY,
                   ReplyKind.NOTHING_WORKED}
_RUN_ENDS = {ReplyKind.WORKED, ReplyKind.NOTHING_WORKED, ReplyKind.MENU, ReplyKind.GREETING}
_WAY_COUNT = re.compile(r"(?:way|способ) \d+ (?:of|из) (\d+)", re.IGNORECASE)


class _Invariants:
    """What every conversation must hold without a case saying so (tests/data/FORMAT.md)."""

    def __init__(self) -> None:
        self.about_the_boot = False
        self.run_total: str | None = None

    def after(self, expect: Mapping[str, Any], replies: Sequence[Reply]) -> list[str]:
        main = _main_reply(replies)
        if main is None:
            return []
        problems = []
        if (main.kind is ReplyKind.DECLINED and self.about_the_boot
                and expect.get("screen") != ReplyKind.DECLINED.value):
            problems.append(_DECLINED_INSIDE)
        self.about_the_boot |= main.kind in _ABOUT_THE_BOOT
        count = _WAY_COUNT.search(main.plain_text)
        if count is not None:
            if self.run_total is not None and count.group(1) != self.run_total:
                problems.append(f"the run's way count changed from {self.run_total} "
                                f"to {count.group(1)}")
            self.run_total = count.group(1)
        if main.kind in _RUN_ENDS:
            self.run_total = None
        return problems


def _main_reply(replies: Sequence[Reply]) -> Reply | None:
    """The reply that answers: not a notice about the language or the keyboard."""
    shown = [r for r in replies if r.kind is not ReplyKind.NOTICE or r.buttons]
    return shown[-1] if shown else (replies[-1] if replies else None)


def _way(state: ChatState) -> tuple[str | None, int | None]:
    screen = state.screen
    if screen is None or screen.kind not in WAY_SCREENS:
        return None, None
    return screen.entry, screen.index + 1 if screen.kind is Kind.STEP else None


def _check(expect: Mapping[str, Any], before: ChatState, after: ChatState,
           replies: Sequence[Reply], before_replies: Sequence[Reply]) -> list[str]:
    main = _main_reply(replies)
    previous = _main_reply(before_replies)
    kind = main.kind if main is not None else None
    text = "\n".join(r.plain_text for r in replies).lower()
    first_line = (main.plain_text.strip().splitlines() or [""])[0].lower() if main else ""
    opening = (replies[0].plain_text.strip().splitlines() or [""])[0].lower() if replies else ""
    way, step = _way(after)
    old_way, old_step = _way(before)
    shown = main.screen if main is not None else None
    answered = shown.entry if shown is not None else None

    def screen_is(name: str) -> bool:
        if name == "walk":
            return kind in WALK_KINDS
        if name == ReplyKind.GREETING.value:  # /start: the greeting, with the menu under it
            return any(r.kind is ReplyKind.GREETING for r in replies)
        return kind is not None and kind.value == name

    checks: dict[str, Callable[[Any], bool]] = {
        "screen": screen_is,
        "not_screen": lambda names: not any(screen_is(n) for n in names),
        "way": lambda wanted: way == wanted,
        "not_way": lambda unwanted: way not in unwanted,
        "way_changed": lambda changed: (way != old_way) == bool(changed),
        "step": lambda wanted: step == int(wanted),
        "step_changed": lambda delta: (way == old_way and step is not None
                                       and old_step is not None
                                       and step - old_step == int(delta)),
        "topic": lambda wanted: answered == wanted or way == wanted,
        "language": lambda wanted: language_of(after) == wanted,
        "car": lambda wanted: after.car == wanted,
        "mentions_any": lambda words: any(str(w).lower() in text for w in words),
        "not_mentions_any": lambda words: not any(str(w).lower() in text for w in words),
        "opens_with_any": lambda words: any(str(w).lower() in opening for w in words),
        "new_text": lambda wanted: (main is not None and (previous is None or main.plain_text
                                                          != previous.plain_text)) == bool(wanted),
        "first_line_mentions_any": lambda words: any(str(w).lower() in first_line
                                                     for w in words),
    }
    problems = []
    for key, wanted in expect.items():
        check = checks.get(key)
        if check is None:
            problems.append(f"unknown expectation {key!r}")
        elif not check(wanted):
            got = {"screen": kind, "not_screen": kind, "way": way, "not_way": way,
                   "way_changed": f"{old_way} -> {way}", "step": step,
                   "step_changed": f"{old_way}:{old_step} -> {way}:{step}",
                   "topic": answered or way, "language": language_of(after), "car": after.car,
                   "mentions_any": text[:80], "not_mentions_any": text[:80],
                   "first_line_mentions_any": first_line[:80], "opens_with_any": opening[:80],
                   "new_text": (main.plain_text[:80] if main else None)}[key]
            problems.append(f"{key} {wanted!r}, got {got!r}")
    return problems


def format_report(outcomes: Sequence[CaseResult], *, show_failures: bool = True) -> str:
    """Per behaviour and in all; with show_failures=False only figures, so a first-sight set
    can be measured without its misses being read."""
    lines = []
    if show_failures:
        for outcome in outcomes:
            if not outcome.passed:
                lines.append(f"  {outcome.case.id} [{outcome.case.behaviour}]")
                lines.extend(f"      {failure}" for failure in outcome.failures)
        if lines:
            lines.insert(0, "failed:")
    by_behaviour: dict[str, list[CaseResult]] = {}
    for outcome in outcomes:
        by_behaviour.setdefault(outcome.case.behaviour, []).append(outcome)
    for behaviour, group in by_behaviour.items():
        passed = sum(o.passed for o in group)
        lines.append(f"{behaviour}: {passed / len(group):.3f} ({passed}/{len(group)})")
    passed = sum(o.passed for o in outcomes)
    lines.append(f"all: {passed / len(outcomes) if outcomes else 0:.3f} "
                 f"({passed}/{len(outcomes)})")
    emergency = sum(o.emergency_turns for o in outcomes)
    lines.append(f"emergency turns: {sum(o.emergency_passed for o in outcomes)}/{emergency}")
    lines.append(f"declines inside a boot conversation: {sum(o.boot_declines for o in outcomes)}")
    return "\n".join(lines)
