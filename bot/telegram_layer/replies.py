"""The delivery seam: a Reply becomes Bot API calls here, and only here.

Every message the bot shows a user passes through `ReplySender.show`: send a new message, or
edit the one whose button was tapped. A new kind of reply (a photo), a metric per reply shown,
or another transport plugs in at this one place.
"""

from __future__ import annotations

import logging

from cachetools import LRUCache, cached
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    Message,
    ReplyKeyboardMarkup,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.dialog import Button, Reply
from bot.monitoring import metrics

log = logging.getLogger(__name__)

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup
EDITED_MESSAGES_REMEMBERED = 10_000
# Keyboards are few (one per screen, and screens repeat across chats), while building the
# framework's objects for one is a good part of a reply's cost: each is built once. The
# framework's objects are frozen, so sharing one between replies is safe.
KEYBOARDS_REMEMBERED = 2_000


def markup_for(reply: Reply) -> Markup | None:
    if reply.buttons:
        return _inline_keyboard(reply.buttons)
    if reply.quick_replies:
        return _quick_reply_keyboard(reply.quick_replies)
    return None


@cached(LRUCache(maxsize=KEYBOARDS_REMEMBERED))
def _inline_keyboard(rows: tuple[tuple[Button, ...], ...]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.data) for b in row] for row in rows])


@cached(LRUCache(maxsize=KEYBOARDS_REMEMBERED))
def _quick_reply_keyboard(rows: tuple[tuple[str, ...], ...]) -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup([list(row) for row in rows], resize_keyboard=True,
                               is_persistent=True)


class ShownScreens:
    """What each recently edited message shows now, as this process last set it.

    A tap carries a copy of its message from the moment of the tap, so three fast taps on
    "Next" all carry the first screen; comparing with what the message shows *now* lets the
    second and third see the edit the first made, and skip the edit Telegram would refuse
    ("message is not modified"). Bounded: old messages fall back to the tap's copy.
    """

    def __init__(self, capacity: int = EDITED_MESSAGES_REMEMBERED) -> None:
        # a hash of the screen, not the text: 10,000 of them stay small
        self._shown: LRUCache[tuple[int, int], int] = LRUCache(maxsize=capacity)

    def shows(self, message: Message, screen: str) -> bool | None:
        """True or False if known; None if this process has not edited that message."""
        known = self._shown.get((message.chat_id, message.message_id))
        return None if known is None else known == hash(screen)

    def remember(self, message: Message, screen: str) -> None:
        self._shown[(message.chat_id, message.message_id)] = hash(screen)

    def forget_chat(self, chat_id: int) -> None:
        for key in [key for key in self._shown if key[0] == chat_id]:
            del self._shown[key]


class ReplySender:
    def __init__(self, bot: Bot, shown: ShownScreens | None = None) -> None:
        self._bot = bot
        self._shown = shown or ShownScreens()

    async def show(self, chat_id: int, reply: Reply, tapped: Message | None = None) -> bool:
        """Shows one reply; True when it did so by editing `tapped` (so the next reply marked
        `edit` is sent anew). Telegram's errors propagate: the caller decides what to retry."""
        if reply.edit and tapped is not None and await self._edit(tapped, reply):
            return True
        await self._bot.send_message(chat_id, reply.text, parse_mode=ParseMode.HTML,
                                     reply_markup=markup_for(reply))
        metrics.REPLIES.labels(reply.kind.value, "sent").inc()
        return False

    def forget_chat(self, chat_id: int) -> None:
        """/forget: what this process remembers of the chat's messages goes too."""
        self._shown.forget_chat(chat_id)

    async def send_file(self, chat_id: int, name: str, content: bytes, caption: str) -> None:
        """A file as a document (/unanswered's CSV); `caption` is plain text."""
        await self._bot.send_document(chat_id, InputFile(content, filename=name),
                                      caption=caption)
        metrics.REPLIES.labels("document", "sent").inc()

    async def _edit(self, message: Message, reply: Reply) -> bool:
        """False when the message cannot be edited (too old, deleted): the caller sends instead."""
        markup = markup_for(reply)
        screen = _screen_of(reply.plain_text, markup)
        already = self._shown.shows(message, screen)
        if already is None:
            already = _screen_of(message.text or "", message.reply_markup) == screen
        if already:
            metrics.REPLIES.labels(reply.kind.value, "already_shown").inc()
            return True  # a repeated tap: the message already shows this screen
        try:
            await self._bot.edit_message_text(
                reply.text, chat_id=message.chat_id, message_id=message.message_id,
                parse_mode=ParseMode.HTML,
                reply_markup=markup if isinstance(markup, InlineKeyboardMarkup) else None,
            )
        except BadRequest as error:
            if "not modified" in error.message.lower():
                metrics.REPLIES.labels(reply.kind.value, "already_shown").inc()
                return True  # a second tap on the same button: the screen already shows it
            log.info("could not edit message %s, sending anew: %s", message.message_id, error)
            return False
        self._shown.remember(message, screen)
        metrics.REPLIES.labels(reply.kind.value, "edited").inc()
        return True


def _screen_of(text: str, markup: Markup | None) -> str:
    return repr((text, markup.to_dict() if markup is not None else None))
