"""A reply as plain data: what to show, which buttons, whether it replaces the tapped message."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape

_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Button:
    label: str
    data: str  # callback data, packed by bot.dialog.callback_data


@dataclass(frozen=True)
class Reply:
    text: str  # Telegram HTML; every knowledge text in it is already escaped
    buttons: tuple[tuple[Button, ...], ...] = ()  # inline keyboard rows
    edit: bool = False  # replace the message whose button was tapped, rather than send anew
    quick_replies: tuple[tuple[str, ...], ...] = ()  # persistent keyboard under the input field

    @property
    def plain_text(self) -> str:
        """What the user reads: the text with tags removed and entities decoded."""
        return unescape(_TAG.sub("", self.text))
