"""Builds Bot API JSON objects (User, Chat, Message, media) the way Telegram serialises them."""

from __future__ import annotations

from typing import Any

from .state import Chat, StoredMessage

MEDIA_KINDS = ("sticker", "photo", "voice", "location", "document", "contact")


def user_json(
    user_id: int,
    first_name: str,
    *,
    is_bot: bool = False,
    username: str | None = None,
    language_code: str | None = None,
) -> dict[str, Any]:
    """A User object; optional fields are left out when unknown, as Telegram does."""
    user: dict[str, Any] = {"id": user_id, "is_bot": is_bot, "first_name": first_name}
    if username:
        user["username"] = username
    if language_code:
        user["language_code"] = language_code
    return user


def chat_json(chat: Chat) -> dict[str, Any]:
    """A Chat object as embedded in messages."""
    body: dict[str, Any] = {"id": chat.id, "type": chat.type}
    for key in ("title", "username", "first_name"):
        value = getattr(chat, key)
        if value:
            body[key] = value
    return body


def message_json(message: StoredMessage, chat: Chat, *, with_reply: bool = True) -> dict[str, Any]:
    """A Message object; only inline keyboards are echoed back in reply_markup."""
    body: dict[str, Any] = {
        "message_id": message.message_id,
        "from": message.sender,
        "chat": chat_json(chat),
        "date": message.date,
    }
    if message.edit_date is not None:
        body["edit_date"] = message.edit_date
    replied = chat.messages.get(message.reply_to_message_id or 0)
    if with_reply and replied is not None:
        body["reply_to_message"] = message_json(replied, chat, with_reply=False)
    if message.text is not None:
        body["text"] = message.text
        if message.entities:
            body["entities"] = message.entities
    body.update(message.content)
    if message.caption:
        body["caption"] = message.caption
        if message.caption_entities:
            body["caption_entities"] = message.caption_entities
    markup = message.reply_markup
    if markup is not None and "inline_keyboard" in markup and markup["inline_keyboard"]:
        body["reply_markup"] = markup
    return body


def inaccessible_message_json(chat: Chat, message_id: int) -> dict[str, Any]:
    """What a callback query carries when its message is gone (date is always 0)."""
    return {"chat": chat_json(chat), "message_id": message_id, "date": 0}


def _file(kind: str, number: int) -> dict[str, Any]:
    return {"file_id": f"fake-{kind}-{number}", "file_unique_id": f"u{kind[:3]}{number}"}


def media_content(kind: str, number: int, sender_id: int, first_name: str) -> dict[str, Any]:
    """Minimal but valid content of a non-text message, keyed like Message fields."""
    if kind == "sticker":
        sticker = {
            **_file(kind, number),
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": "👍",
        }
        return {"sticker": sticker}
    if kind == "photo":
        sizes = [(90, 67), (320, 240), (800, 600)]
        return {
            "photo": [
                {**_file(f"photo{index}", number), "width": width, "height": height}
                for index, (width, height) in enumerate(sizes)
            ]
        }
    if kind == "voice":
        return {"voice": {**_file(kind, number), "duration": 3, "mime_type": "audio/ogg"}}
    if kind == "location":
        return {"location": {"latitude": 55.751244, "longitude": 37.618423}}
    if kind == "document":
        document = {**_file(kind, number), "file_name": "file.pdf", "mime_type": "application/pdf"}
        return {"document": document}
    if kind == "contact":
        return {
            "contact": {
                "phone_number": "+15550100",
                "first_name": first_name,
                "user_id": sender_id,
            }
        }
    raise ValueError(f"unknown message kind {kind!r}; expected one of {', '.join(MEDIA_KINDS)}")
