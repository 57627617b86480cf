"""Simulated Telegram users: what they do becomes messages, callback queries and updates."""

from __future__ import annotations

import time
from typing import Any

from .objects import (
    chat_json,
    inaccessible_message_json,
    media_content,
    message_json,
    user_json,
)
from .state import CallbackRecord, Chat, InlineQueryRecord, StoredMessage, World, now
from .textutil import detect_entities
from .updates import UpdateQueue

GROUP_USER_ID = 1000  # who speaks in a group chat when no user_id is given
_CALLBACK_ID_BASE = 4_300_000_000_000_000_000


class SimulatedUsers:
    """Turns user actions into state and queued updates, as Telegram's servers would."""

    def __init__(self, world: World, queue: UpdateQueue) -> None:
        self.world = world
        self.queue = queue
        self._files = 0

    def _user(
        self, chat_id: int, user_id: int | None, first_name: str, language_code: str | None
    ) -> dict[str, Any]:
        uid = user_id if user_id is not None else (chat_id if chat_id > 0 else GROUP_USER_ID)
        return user_json(uid, first_name, language_code=language_code)

    def _chat(self, chat_id: int, first_name: str) -> Chat:
        """The chat, created on first contact: private for positive ids, else a group.
        Writing to a bot one blocked unblocks it first, as the Telegram apps do."""
        chat = self.world.chats.get(chat_id)
        if chat is not None:
            if chat.blocked:
                self.set_blocked(chat_id, False)
            return chat
        if chat_id > 0:
            return self.world.add_chat(Chat(chat_id, "private", first_name=first_name))
        kind = "supergroup" if str(chat_id).startswith("-100") else "group"
        return self.world.add_chat(Chat(chat_id, kind, title=f"Test {kind} {-chat_id}"))

    def _acted(self, chat: Chat) -> None:
        """Remember where the chat was, so "wait for the bot's answer" has a starting point."""
        chat.action_message_id = chat.last_message_id
        chat.action_seq = self.world.changes.bump()

    def _post(
        self, chat: Chat, sender: dict[str, Any], text: str | None, content: dict[str, Any]
    ) -> dict[str, Any]:
        message = StoredMessage(
            message_id=chat.allocate_message_id(),
            chat_id=chat.id,
            sender=sender,
            by_bot=False,
            date=now(),
            created_seq=0,
            text=text,
            entities=detect_entities(text) if text is not None else [],
            content=content,
        )
        chat.messages[message.message_id] = message
        self._acted(chat)
        message.created_seq = chat.action_seq
        payload = message_json(message, chat)
        self.queue.push({"message": payload})
        return payload

    def sends(
        self,
        chat_id: int,
        text: str,
        *,
        language_code: str | None = "en",
        first_name: str = "Test",
        user_id: int | None = None,
    ) -> dict[str, Any]:
        """A user writes `text`; commands get their bot_command entity. Returns the Message."""
        chat = self._chat(chat_id, first_name)
        sender = self._user(chat_id, user_id, first_name, language_code)
        return self._post(chat, sender, text, {})

    def sends_kind(
        self,
        chat_id: int,
        kind: str,
        *,
        language_code: str | None = "en",
        first_name: str = "Test",
        user_id: int | None = None,
    ) -> dict[str, Any]:
        """A user sends a sticker/photo/voice/location/document/contact. Returns the Message."""
        chat = self._chat(chat_id, first_name)
        sender = self._user(chat_id, user_id, first_name, language_code)
        self._files += 1
        content = media_content(kind, self._files, sender["id"], first_name)
        return self._post(chat, sender, None, content)

    def taps(
        self,
        chat_id: int,
        message_id: int,
        callback_data: str,
        *,
        language_code: str | None = "en",
        first_name: str = "Test",
        user_id: int | None = None,
    ) -> str:
        """A user presses a callback button; the data is not checked against the keyboard
        (clients can forge it). A vanished message arrives as an InaccessibleMessage."""
        chat = self.world.chats.get(chat_id)
        if chat is None:
            raise LookupError(f"chat {chat_id} does not exist; a user must write first")
        message = chat.messages.get(message_id)
        if message is not None and not message.by_bot:
            raise ValueError(f"message {message_id} is the user's own; it has no bot buttons")
        query_id = str(_CALLBACK_ID_BASE + self.world.next_callback_number)
        self.world.next_callback_number += 1
        self.world.callbacks[query_id] = CallbackRecord(
            query_id, chat_id, message_id, callback_data, time.monotonic()
        )
        query = {
            "id": query_id,
            "from": self._user(chat_id, user_id, first_name, language_code),
            "message": (
                message_json(message, chat)
                if message is not None
                else inaccessible_message_json(chat, message_id)
            ),
            "chat_instance": str(abs(chat_id) * 7919 + 104729),
            "data": callback_data,
        }
        self._acted(chat)
        self.queue.push({"callback_query": query})
        return query_id

    def inline_query(self, user_id: int, query: str, *, language_code: str | None,
                     chat_type: str) -> str:
        """A user types "@bot query"; Telegram sends it only to bots with inline mode on."""
        if not self.world.inline_mode:
            raise LookupError("inline mode is off for this bot: FakeTelegram(inline_mode=True)")
        query_id = str(_CALLBACK_ID_BASE + 500_000 + self.world.next_callback_number)
        self.world.next_callback_number += 1
        self.world.inline_queries[query_id] = InlineQueryRecord(query_id, user_id, query)
        sender = user_json(user_id, "Test", language_code=language_code)
        self.queue.push({"inline_query": {"id": query_id, "from": sender, "query": query,
                                          "offset": "", "chat_type": chat_type}})
        self.world.changes.bump()
        return query_id

    def set_blocked(self, chat_id: int, blocked: bool) -> None:
        """The user blocks (or unblocks) the bot; the bot gets a my_chat_member update."""
        chat = self.world.chats.get(chat_id)
        if chat is None or chat.type != "private":
            raise LookupError(f"no private chat {chat_id}")
        chat.blocked = blocked
        statuses = ("member", "kicked") if blocked else ("kicked", "member")
        members: list[dict[str, Any]] = [
            {"user": self.world.bot_user, "status": status} for status in statuses
        ]
        for member in members:
            if member["status"] == "kicked":
                member["until_date"] = 0
        update = {
            "chat": chat_json(chat),
            "from": self._user(chat_id, None, chat.first_name or "Test", None),
            "date": now(),
            "old_chat_member": members[0],
            "new_chat_member": members[1],
        }
        self._acted(chat)
        self.queue.push({"my_chat_member": update})
