"""Outbound: a Reply becomes Bot API calls here, and only here.

Every message the bot shows a user passes through `ReplySender.show`: send a new message, or
edit the one whose button was tapped. A new kind of reply (a photo), a metric per reply shown,
or another transport plugs in at this one place. Every text is HTML without link previews:
the bot's Defaults say so once (bot/telegram/wiring/application.py), not each call.
"""

from __future__ import annotations

import logging

from cachetools import LRUCache, cached
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    InputMediaPhoto,
    Message,
    ReplyKeyboardMarkup,
)
from telegram.error import BadRequest

from bot.dialog import Button, PictureRef, Reply
from bot.monitoring import metrics
from bot.telegram.outbound.deep_links import DeepLinks, links_of
from bot.telegram.outbound.photos import Photos

log = logging.getLogger(__name__)

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup
EDITED_MESSAGES_REMEMBERED = 10_000
# Keyboards are few (one per screen, and screens repeat across chats), while building the
# framework's objects for one is a good part of a reply's cost: each is built once. The
# framework's objects are frozen, so sharing one between replies is safe.
KEYBOARDS_REMEMBERED = 2_000


def markup_for(reply: Reply, links: DeepLinks | None = None) -> Markup | None:
    """`links`: how share buttons become links (without them, they stay plain buttons)."""
    if reply.buttons:
        return _inline_keyboard(reply.buttons, links)
    if reply.quick_replies:
        return _quick_reply_keyboard(reply.quick_replies)
    return None


@cached(LRUCache(maxsize=KEYBOARDS_REMEMBERED))
def _inline_keyboard(rows: tuple[tuple[Button, ...], ...], links: DeepLinks | None
                     ) -> InlineKeyboardMarkup:
    def button(b: Button) -> InlineKeyboardButton:
        if links is None:
            return InlineKeyboardButton(b.label, callback_data=b.data)
        return links.button(b)

    return InlineKeyboardMarkup([[button(b) for b in row] for row in rows])


@cached(LRUCache(maxsize=KEYBOARDS_REMEMBERED))
def _quick_reply_keyboard(rows: tuple[tuple[str, ...], ...]) -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup([list(row) for row in rows], resize_keyboard=True,
                               is_persistent=True)


class ShownScreens:
    """What each recently edited message shows now, as this process last set it.

    A tap carries a copy of its message from the moment of the tap, so three fast taps on
    "Next" all carry the first screen; comparing with what the message shows *now* lets the
    second and third see the edit the first made, and skip the edit Telegram would refuse
    ("message is not modified"). Bounded: old messages fall back to the tap's copy. It also
    keeps which picture a message shows, so a step with the same picture edits only the
    caption, and a photo is never asked to become text again.
    """

    def __init__(self, capacity: int = EDITED_MESSAGES_REMEMBERED) -> None:
        # a hash of the screen, not the text: 10,000 of them stay small
        self._shown: LRUCache[tuple[int, int], tuple[int, str]] = LRUCache(maxsize=capacity)

    def shows(self, message: Message, screen: str) -> bool | None:
        """True or False if known; None if this process has not edited that message."""
        known = self._shown.get((message.chat_id, message.message_id))
        return None if known is None else known[0] == hash(screen)

    def picture(self, message: Message) -> str | None:
        """The picture key the message shows ("" for none); None: a photo, which one unknown."""
        known = self._shown.get((message.chat_id, message.message_id))
        if known is not None:
            return known[1]
        return None if message.photo else ""

    def remember(self, message: Message, screen: str, picture: str = "") -> None:
        self._shown[(message.chat_id, message.message_id)] = (hash(screen), picture)

    def forget_chat(self, chat_id: int) -> None:
        for key in [key for key in self._shown if key[0] == chat_id]:
            del self._shown[key]


class ReplySender:
    def __init__(self, bot: Bot, shown: ShownScreens | None = None,
                 photos: Photos | None = None) -> None:
        self._bot = bot
        self._shown = shown or ShownScreens()
        self._photos = photos

    def _markup(self, reply: Reply) -> Markup | None:
        return markup_for(reply, links_of(self._bot))

    async def show(self, chat_id: int, reply: Reply, tapped: Message | None = None) -> bool:
        """Shows one reply; True when the tapped message is done with: edited to show it, or,
        when it could not be (a photo cannot become text again), its buttons taken off so
        only the new message's work. Telegram's errors propagate: the caller decides what to
        retry."""
        if reply.edit and tapped is not None and await self._edit(tapped, reply):
            return True
        if reply.picture is not None and self._photos is not None:
            await self._send_photo(chat_id, reply, reply.picture, self._photos)
        else:
            await self._bot.send_message(chat_id, reply.text, reply_markup=self._markup(reply))
        metrics.REPLIES.labels(reply.kind.value, "sent").inc()
        if reply.edit and tapped is not None and self._shown.picture(tapped) != "":
            await self._retire(tapped)
            return True
        return False

    def forget_chat(self, chat_id: int) -> None:
        """/forget: what this process remembers of the chat's messages goes too."""
        self._shown.forget_chat(chat_id)

    async def send_file(self, chat_id: int, name: str, content: bytes, caption: str) -> None:
        """A file as a document (/unanswered's CSV); `caption` is HTML, as every text is."""
        await self._bot.send_document(chat_id, InputFile(content, filename=name),
                                      caption=caption)
        metrics.REPLIES.labels("document", "sent").inc()

    async def _send_photo(self, chat_id: int, reply: Reply, picture: PictureRef,
                          photos: Photos) -> None:
        async def send(photo: str | bytes, filename: str | None) -> Message:
            return await self._bot.send_photo(
                chat_id, photo, caption=reply.text, reply_markup=self._markup(reply),
                filename=filename)

        await photos.send(picture, send)

    async def _edit(self, message: Message, reply: Reply) -> bool:
        """False when the message cannot be edited (too old, deleted, a photo to become
        text): the caller sends instead."""
        markup = self._markup(reply)
        picture = self._photos.key(reply.picture) if (
            reply.picture is not None and self._photos is not None) else ""
        screen = _screen_of(reply.plain_text, markup, picture)
        already = self._shown.shows(message, screen)
        if already is None:
            already = _screen_of(message.text or message.caption or "", message.reply_markup,
                                 picture if message.photo else "") == screen
        if already:
            metrics.REPLIES.labels(reply.kind.value, "already_shown").inc()
            return True  # a repeated tap: the message already shows this screen
        shown = self._shown.picture(message)
        if shown != "" and not picture:
            return False  # Telegram cannot take a photo off a message
        inline = markup if isinstance(markup, InlineKeyboardMarkup) else None
        try:
            if not picture:
                await self._bot.edit_message_text(
                    reply.text, chat_id=message.chat_id, message_id=message.message_id,
                    reply_markup=inline)
            elif shown == picture:
                await self._bot.edit_message_caption(
                    chat_id=message.chat_id, message_id=message.message_id, caption=reply.text,
                    reply_markup=inline)
            else:
                assert reply.picture is not None and self._photos is not None
                await self._edit_media(message, reply, reply.picture, self._photos, inline)
        except BadRequest as error:
            if "not modified" in error.message.lower():
                metrics.REPLIES.labels(reply.kind.value, "already_shown").inc()
                return True  # a second tap on the same button: the screen already shows it
            log.info("could not edit message %s, sending anew: %s", message.message_id, error)
            return False
        self._shown.remember(message, screen, picture)
        metrics.REPLIES.labels(reply.kind.value, "edited").inc()
        return True

    async def _edit_media(self, message: Message, reply: Reply, picture: PictureRef,
                          photos: Photos, markup: InlineKeyboardMarkup | None) -> None:
        """A photo in place of the message's text or photo (Bot API 10.1 allows both)."""
        async def edit(photo: str | bytes, filename: str | None) -> Message | bool:
            media = InputMediaPhoto(photo, caption=reply.text, filename=filename)
            return await self._bot.edit_message_media(
                media, chat_id=message.chat_id, message_id=message.message_id,
                reply_markup=markup)

        await photos.send(picture, edit)

    async def _retire(self, message: Message) -> None:
        """Takes the buttons off a message whose screen moved to a new message."""
        try:
            await self._bot.edit_message_reply_markup(chat_id=message.chat_id,
                                                      message_id=message.message_id)
        except BadRequest as error:  # cosmetic: the new message is what matters
            log.info("could not take the buttons off message %s: %s", message.message_id, error)
        self._shown.remember(message, "", self._shown.picture(message) or "?")


def _screen_of(text: str, markup: Markup | None, picture: str = "") -> str:
    return repr((text, markup.to_dict() if markup is not None else None, picture))
