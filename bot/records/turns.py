"""What one turn of a chat amounts to for the people who run the bot.

Read from the conversation's own output: the chat's state before and after, and each reply's
kind and screen ("answer.lid-button", "worked.key-fob"). Nothing here reads the message again
or second-guesses the dialog, so the figures say what the owner was shown.

- A typed question got "did you mean" or a decline when a reply of that kind says so; it was
  answered when it got an entry's answer (or the emergency one), or started the run through
  the ways ("boot won't open"). A typed reply to a walk ("next", "didn't work"), small talk, a
  keyboard button or a comment is no question.
- A way was started when the chat's way changed to it, and opened the boot when "It opened"
  came while a walk was on; a run ended with nothing working when its end came during it.
  A screen shown again by Back or a language switch is no new start or opening.
"""

from __future__ import annotations

from collections.abc import Container, Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.dialog.events import Event, TextMessage
from bot.dialog.feedback import comment_of
from bot.dialog.navigation import Kind, Screen
from bot.dialog.reply import Reply, ReplyKind
from bot.dialog.state import ChatState
from bot.dialog.walks import WALK_SCREENS


class Question(StrEnum):
    ANSWERED = "answered"
    DID_YOU_MEAN = "did_you_mean"
    DECLINED = "declined"


ANSWER_KINDS = frozenset({ReplyKind.ANSWER, ReplyKind.EMERGENCY})
RATINGS = {ReplyKind.RATED_UP: "up", ReplyKind.RATED_DOWN: "down"}


@dataclass(frozen=True)
class Turn:
    question: Question | None = None  # a typed question, and what it got
    answers_shown: tuple[str, ...] = ()  # entries whose short answer was shown
    way_started: str | None = None
    opened: str | None = None  # the way after which "It opened" came
    nothing_worked: bool = False  # a run through the ways ended without the boot open
    rating: tuple[str, str] | None = None  # (the screen rated, "up" or "down")
    comment: tuple[str, str] | None = None  # (the screen, what went wrong in the owner's words)
    forgotten: bool = False  # /forget: everything kept about the chat goes


def read_turn(before: ChatState, event: Event, after: ChatState, replies: Sequence[Reply], *,
              keyboard_labels: Container[str] = ()) -> Turn:
    kinds = {reply.kind for reply in replies}
    shown = tuple(_entry(reply) for reply in replies if reply.kind in ANSWER_KINDS)
    worked = next((_entry(r) for r in replies if r.kind is ReplyKind.WORKED), None)
    rated = next(((r.screen, RATINGS[r.kind]) for r in replies if r.kind in RATINGS), None)
    comment = None
    if (before.awaiting_comment is not None and ReplyKind.COMMENTED in kinds
            and isinstance(event, TextMessage)):
        comment = (before.awaiting_comment, comment_of(event.text))
    return Turn(
        question=_question(before, event, after, kinds, keyboard_labels),
        answers_shown=tuple(entry for entry in shown if entry),
        way_started=after.method if after.method not in (None, before.method) else None,
        opened=(worked or None) if before.method is not None else None,
        nothing_worked=ReplyKind.NOTHING_WORKED in kinds and before.guided,
        rating=rated,
        comment=comment,
        forgotten=ReplyKind.FORGOTTEN in kinds,
    )


def _question(before: ChatState, event: Event, after: ChatState, kinds: set[ReplyKind],
              keyboard_labels: Container[str]) -> Question | None:
    if not isinstance(event, TextMessage) or " ".join(event.text.split()) in keyboard_labels:
        return None
    if ReplyKind.DID_YOU_MEAN in kinds:
        return Question.DID_YOU_MEAN
    if ReplyKind.DECLINED in kinds:
        return Question.DECLINED
    if kinds & ANSWER_KINDS or _run_started(before, after):
        return Question.ANSWERED
    return None


def _run_started(before: ChatState, after: ChatState) -> bool:
    """A new run through the ways, not the next way of one under way: the message came while
    no walk was on screen, and the run's ways so far do not carry on the earlier ones."""
    on_screen = Screen.parse(before.screen or "")
    if not after.guided or (on_screen is not None and on_screen.kind in WALK_SCREENS):
        return False
    return not before.guided or after.shown[:len(before.shown)] != before.shown


def _entry(reply: Reply) -> str:
    screen = Screen.parse(reply.screen)
    return screen.entry if screen is not None and screen.kind in (Kind.ANSWER,
                                                                  Kind.WORKED) else ""
