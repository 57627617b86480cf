"""What a turn did, said by the conversation as data, for the shell to apply.

The conversation is pure: it does not delete a chat or count a question, it says so, and the
chat's turn (bot/telegram/wiring/chat_turn.py) does it: Forget in the same transaction as the state
save, the rest in the records for /stats and /metrics (bot/records). Each effect is declared
where it happens (the run starting a way, a button opening the boot), never worked out
afterwards from what the replies look like.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.dialog.navigation import Screen


class Question(StrEnum):
    """What a typed question got."""

    ANSWERED = "answered"  # an entry's answer, the emergency, or the run through the ways
    DID_YOU_MEAN = "did_you_mean"
    DECLINED = "declined"  # not about the boot: what the bot can help with


class Rating(StrEnum):
    UP = "up"
    DOWN = "down"


@dataclass(frozen=True)
class Forget:
    """/forget: everything kept about the chat goes, with its state."""


@dataclass(frozen=True)
class Asked:
    """A typed question, and what it got."""

    outcome: Question


@dataclass(frozen=True)
class AnswerShown:
    entry: str


@dataclass(frozen=True)
class WayStarted:
    way: str


@dataclass(frozen=True)
class WayOpened:
    """"It opened" while this way was on screen."""

    way: str


@dataclass(frozen=True)
class RunEnded:
    """A run through the ways ended with nothing working."""


@dataclass(frozen=True)
class Rated:
    screen: Screen
    rating: Rating


@dataclass(frozen=True)
class Commented:
    """What went wrong, in the owner's words, after a 👎."""

    screen: Screen
    text: str


Effect = Forget | Asked | AnswerShown | WayStarted | WayOpened | RunEnded | Rated | Commented

