"""Read-only snapshots of state for test assertions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

from .state import StoredMessage


class Call(NamedTuple):
    """One request the server received: method name and decoded (or raw) parameters."""

    method: str
    params: dict[str, Any]


class Rejection(NamedTuple):
    """One 4xx answer the server gave, with Telegram's description."""

    method: str
    params: dict[str, Any]
    description: str


@dataclass(frozen=True)
class BotMessageView:
    """A bot message as the user sees it now (text after entity parsing). `text` is what the
    user reads: a message's text, or a photo's or a document's caption (`photo` or `document`
    then says which file)."""

    message_id: int
    chat_id: int
    text: str | None
    entities: list[dict[str, Any]]
    parse_mode: str | None
    sent_text: str | None
    reply_markup: dict[str, Any] | None
    edit_count: int
    reply_to_message_id: int | None
    photo: dict[str, Any] | None = None  # the largest PhotoSize, for a photo
    document: dict[str, Any] | None = None  # a Document object, for a file the bot sent
    caption: str | None = None

    @classmethod
    def of(cls, message: StoredMessage) -> BotMessageView:
        """Snapshot a stored message."""
        sizes = message.content.get("photo")
        return cls(
            message_id=message.message_id,
            chat_id=message.chat_id,
            text=message.text if message.text is not None else message.caption,
            entities=list(message.entities if message.text is not None
                          else message.caption_entities),
            parse_mode=message.parse_mode,
            sent_text=message.sent_text,
            reply_markup=message.reply_markup,
            edit_count=message.edit_count,
            reply_to_message_id=message.reply_to_message_id,
            photo=sizes[-1] if sizes else None,
            document=message.content.get("document"),
            caption=message.caption,
        )

    @property
    def buttons(self) -> list[list[dict[str, Any]]]:
        """Inline keyboard rows (empty without one)."""
        markup = self.reply_markup or {}
        rows: list[list[dict[str, Any]]] = markup.get("inline_keyboard", [])
        return rows

    @property
    def callback_data(self) -> list[str]:
        """Every callback_data of the inline keyboard, row by row."""
        return [b["callback_data"] for row in self.buttons for b in row if "callback_data" in b]

    @property
    def button_texts(self) -> list[str]:
        """Labels of the inline keyboard, or of the reply keyboard if that was sent."""
        markup = self.reply_markup or {}
        rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
        return [b if isinstance(b, str) else b["text"] for row in rows for b in row]
