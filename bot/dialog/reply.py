"""A reply as plain data: what to show, which buttons, whether it replaces the tapped message."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import StrEnum
from html import unescape

from bot.dialog.effects import Effect
from bot.dialog.navigation import Screen

_TAG = re.compile(r"<[^>]+>")


class ReplyKind(StrEnum):
    """What a reply is, in the words of the conversation tests (tests/data/conversations.yaml)."""

    GREETING = "greeting"
    MENU = "menu"
    WAYS = "ways"
    FAQ = "faq"
    HELP = "help"
    CAR_QUESTION = "car_question"
    LANGUAGE_CHOICE = "language_choice"
    ANSWER = "answer"
    MORE = "more"
    SOURCES = "sources"
    WALK = "walk"  # one step of a way
    STEP_HELP = "step_help"  # an answer to a question about the step on screen; the walk stays
    TOOLS_QUESTION = "tools_question"
    GATE_QUESTION = "gate_question"  # "does your car have this?" before a way
    WORKED = "worked"
    NOTHING_WORKED = "nothing_worked"
    EMERGENCY = "emergency"
    DID_YOU_MEAN = "did_you_mean"
    DECLINED = "declined"  # not about the boot: what the bot can help with
    SMALL_TALK = "small_talk"
    NOTICE = "notice"  # a line about what just happened (car saved, language switched...)
    # after a 👍 / 👎 on an answer or the end of a walk (bot/dialog/feedback.py): the rated
    # screen again, thanking, asking what went wrong, or without the question (Skip)
    RATED_UP = "rated_up"
    RATED_DOWN = "rated_down"
    COMMENT_SKIPPED = "comment_skipped"
    COMMENTED = "commented"  # thanks for saying what went wrong, and the menu
    FORGOTTEN = "forgotten"  # /forget: everything kept about the chat is deleted


@dataclass(frozen=True)
class Button:
    label: str
    data: str  # callback data, packed by bot.dialog.callback_data
    # An entry id: a button that shares that answer. Telegram shows it as a link (a deep link
    # to the answer, or inline sharing); where it is tapped as a plain button, `data` shows
    # the answer.
    share: str = ""


@dataclass(frozen=True)
class PictureRef:
    """A drawing to show with the reply (knowledge/pictures.yaml), in the chat's language."""

    name: str
    language: str


@dataclass(frozen=True)
class Reply:
    text: str  # Telegram HTML; every knowledge text in it is already escaped
    buttons: tuple[tuple[Button, ...], ...] = ()  # inline keyboard rows
    edit: bool = False  # replace the message whose button was tapped, rather than send anew
    quick_replies: tuple[tuple[str, ...], ...] = ()  # persistent keyboard under the input field
    kind: ReplyKind = ReplyKind.NOTICE
    screen: Screen | None = None  # the navigation screen it shows, if any
    picture: PictureRef | None = None  # shown with the text as its caption, if any
    # what showing it means happened (a way started, a question answered): declared by what
    # made it, collected by Conversation.handle, never sent
    effects: tuple[Effect, ...] = ()

    def doing(self, *effects: Effect) -> Reply:
        return replace(self, effects=(*self.effects, *effects))

    @property
    def plain_text(self) -> str:
        """What the user reads: the text with tags removed and entities decoded."""
        return unescape(_TAG.sub("", self.text))
