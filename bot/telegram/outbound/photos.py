"""A picture as Telegram takes it: by its file_id once Telegram holds it, else the PNG.

The first time a picture (in one language) is shown, its PNG is uploaded and the file_id
Telegram gives it is stored (bot.storage.PictureFiles), so it survives restarts; after that
the picture is sent by file_id, which costs Telegram nothing to fetch. A file_id Telegram
refuses (a new bot token, a file it no longer holds) is forgotten and the PNG uploaded again.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from telegram import Message
from telegram.error import BadRequest

from bot.dialog import PictureRef
from bot.pictures import Gallery
from bot.storage import PictureFiles

log = logging.getLogger(__name__)


def refused_file(error: BadRequest) -> bool:
    """Telegram's answer to a file_id it does not hold ("wrong file identifier/HTTP URL
    specified", "wrong remote file identifier", "file reference expired")."""
    text = error.message.lower()
    return "file identifier" in text or "file reference" in text or "file_id" in text


class Photos:
    def __init__(self, gallery: Gallery, files: PictureFiles) -> None:
        self._gallery = gallery
        self._files = files

    def key(self, picture: PictureRef) -> str:
        return self._gallery.key(picture.name, picture.language)

    async def send(self, picture: PictureRef,
                   call: Callable[[str | bytes, str | None], Awaitable[Message | bool]]) -> None:
        """`call(photo, filename)` sends or edits with the picture: by its file_id if Telegram
        holds it, else the PNG, whose new file_id is then kept."""
        key = self.key(picture)
        file_id = await self._files.file_id(key)
        if file_id is not None:
            try:
                await call(file_id, None)
                return
            except BadRequest as error:
                if not refused_file(error):
                    raise
                log.info("Telegram refused the file_id of picture %s (%s): uploading it again",
                         picture.name, error.message)
                await self._files.forget(key)
        rendering = self._gallery.get(picture.name, picture.language)
        message = await call(rendering.png, rendering.filename)
        if isinstance(message, Message) and message.photo:
            await self._files.remember(key, message.photo[-1].file_id, message.chat_id)
