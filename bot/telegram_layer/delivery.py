"""Turns conversation replies into Bot API calls: send, or edit the tapped message in place."""

from __future__ import annotations

import logging
from collections import OrderedDict

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    ReplyKeyboardMarkup,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.dialog import Reply

log = logging.getLogger(__name__)


def markup_for(reply: Reply) -> InlineKeyboardMarkup | ReplyKeyboardMarkup | None:
    if reply.buttons:
        return InlineKeyboardMarkup(
            [[InlineKeyboardButton(b.label, callback_data=b.data) for b in row]
             for row in reply.buttons]
        )
    if reply.quick_replies:
        return ReplyKeyboardMarkup(
            [list(row) for row in reply.quick_replies], resize_keyboard=True, is_persistent=True
        )
    return None


class ShownScreens:
    """What each recently edited message shows now, as this process last set it.

    A tap carries a copy of its message from the moment of the tap, so three fast taps on
    "Next" all carry the first screen; comparing with what the message shows *now* lets the
    second and third see the edit the first made, and skip the edit Telegram would refuse
    ("message is not modified"). Bounded: old messages fall back to the tap's copy.
    """

    def __init__(self, capacity: int = 10_000) -> None:
        self._capacity = capacity
        self._shown: OrderedDict[tuple[int, int], int] = OrderedDict()  # -> hash of the screen

    def shows(self, message: Message, screen: str) -> bool | None:
        """True or False if known; None if this process has not edited that message."""
        known = self._shown.get((message.chat_id, message.message_id))
        return None if known is None else known == hash(screen)

    def remember(self, message: Message, screen: str) -> None:
        key = (message.chat_id, message.message_id)
        self._shown.pop(key, None)
        self._shown[key] = hash(screen)  # a hash, not the text: 10,000 of them stay small
        if len(self._shown) > self._capacity:
            self._shown.popitem(last=False)


async def deliver(bot: Bot, chat_id: int, replies: list[Reply],
                  tapped: Message | None = None, shown: ShownScreens | None = None) -> None:
    """The first reply marked `edit` replaces the tapped message; everything else is sent."""
    for reply in replies:
        if reply.edit and tapped is not None and await _edit(bot, tapped, reply, shown):
            tapped = None
            continue
        await bot.send_message(chat_id, reply.text, parse_mode=ParseMode.HTML,
                               reply_markup=markup_for(reply))


def _screen_of(text: str, markup: InlineKeyboardMarkup | ReplyKeyboardMarkup | None) -> str:
    return repr((text, markup.to_dict() if markup is not None else None))


async def _edit(bot: Bot, message: Message, reply: Reply, shown: ShownScreens | None) -> bool:
    """False when the message cannot be edited (too old, deleted): the caller sends instead."""
    markup = markup_for(reply)
    screen = _screen_of(reply.plain_text, markup)
    already = shown.shows(message, screen) if shown is not None else None
    if already is None:
        already = _screen_of(message.text or "", message.reply_markup) == screen
    if already:
        return True  # a repeated tap: the message already shows this screen
    try:
        await bot.edit_message_text(
            reply.text, chat_id=message.chat_id, message_id=message.message_id,
            parse_mode=ParseMode.HTML,
            reply_markup=markup if isinstance(markup, InlineKeyboardMarkup) else None,
        )
    except BadRequest as error:
        if "not modified" in error.message.lower():
            return True  # a second tap on the same button: the screen already shows it
        log.info("could not edit message %s, sending anew: %s", message.message_id, error)
        return False
    if shown is not None:
        shown.remember(message, screen)
    return True
