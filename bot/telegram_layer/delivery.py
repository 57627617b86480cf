"""Turns conversation replies into Bot API calls: send, or edit the tapped message in place."""

from __future__ import annotations

import logging
import re
from html import unescape

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


async def deliver(bot: Bot, chat_id: int, replies: list[Reply],
                  tapped: Message | None = None) -> None:
    """The first reply marked `edit` replaces the tapped message; everything else is sent."""
    for reply in replies:
        if reply.edit and tapped is not None and await _edit(bot, tapped, reply):
            tapped = None
            continue
        await bot.send_message(chat_id, reply.text, parse_mode=ParseMode.HTML,
                               reply_markup=markup_for(reply))


def shows_already(message: Message, reply: Reply,
                  markup: InlineKeyboardMarkup | ReplyKeyboardMarkup | None) -> bool:
    """A second tap on the same button asks for the screen already shown; Telegram rejects
    such an edit ("message is not modified"), so it is not sent at all."""
    plain = unescape(re.sub(r"<[^>]+>", "", reply.text))
    return message.text == plain and message.reply_markup == markup


async def _edit(bot: Bot, message: Message, reply: Reply) -> bool:
    """False when the message cannot be edited (too old, deleted): the caller sends instead."""
    markup = markup_for(reply)
    if shows_already(message, reply, markup):
        return True
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
    return True
