"""What Telegram remembers about the bot's world: chats, messages, queries, commands, webhook."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from .errors import bad_request
from .waiting import Changes


def now() -> int:
    """Unix time, the unit of every "date" field."""
    return int(time.time())


def numeric_id(chat_id: int | str) -> int | str:
    """Chat ids may come as digit strings (in nested JSON); Telegram treats them as numbers."""
    if isinstance(chat_id, str) and chat_id.lstrip("-").isdigit():
        return int(chat_id)
    return chat_id


@dataclass
class StoredMessage:
    """One message as it is now; edits change text/entities/reply_markup in place."""

    message_id: int
    chat_id: int
    sender: dict[str, Any]
    by_bot: bool
    date: int
    created_seq: int
    text: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    content: dict[str, Any] = field(default_factory=dict)
    caption: str | None = None  # a photo's caption, as parsed
    caption_entities: list[dict[str, Any]] = field(default_factory=list)
    reply_markup: dict[str, Any] | None = None
    parse_mode: str | None = None
    sent_text: str | None = None
    reply_to_message_id: int | None = None
    edit_date: int | None = None
    edit_count: int = 0
    edited_seq: int = 0


@dataclass
class Chat:
    """A chat, its message counter (shared by user and bot) and its message history."""

    id: int
    type: str
    first_name: str | None = None
    title: str | None = None
    username: str | None = None
    blocked: bool = False
    next_message_id: int = 1
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    # The chat's last message id and change number when a simulated user last acted in it;
    # "wait for the bot's answer" means "after this".
    action_message_id: int = 0
    action_seq: int = 0

    def allocate_message_id(self) -> int:
        """The next message id in this chat."""
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id

    @property
    def last_message_id(self) -> int:
        """The highest message id used so far (0 for an empty chat)."""
        return self.next_message_id - 1


@dataclass(frozen=True)
class StoredFile:
    """A file Telegram holds for the bot: what its file_id gives back."""

    file_id: str
    file_unique_id: str
    kind: str  # "photo"
    width: int
    height: int
    size: int
    group: str  # the sizes of one photo share it


@dataclass
class InlineQueryRecord:
    """An inline query the bot may answer once."""

    query_id: str
    user_id: int
    query: str
    answered: bool = False


@dataclass
class CallbackRecord:
    """A callback query the bot may answer once."""

    query_id: str
    chat_id: int
    message_id: int
    data: str
    created: float
    answered: bool = False


@dataclass
class WebhookState:
    """setWebhook's settings; url == "" means polling mode."""

    url: str = ""
    secret_token: str | None = None
    max_connections: int = 40
    allowed_updates: list[str] | None = None
    ip_address: str | None = None
    has_custom_certificate: bool = False


@dataclass(frozen=True)
class ScopeKey:
    """Where a command list applies: a BotCommandScope reduced to a hashable key."""

    type: str = "default"
    chat_id: int | str | None = None
    user_id: int | None = None

    @classmethod
    def from_scope(cls, scope: dict[str, Any] | None) -> ScopeKey:
        """The key of a decoded BotCommandScope (None means the default scope)."""
        if scope is None:
            return cls()
        chat_id = scope.get("chat_id")
        chat_id = numeric_id(chat_id) if chat_id is not None else None
        return cls(scope["type"], chat_id, scope.get("user_id"))


@dataclass
class World:
    """All of Telegram's state for one bot, plus the change counter tests wait on."""

    bot_user: dict[str, Any]
    changes: Changes = field(default_factory=Changes)
    chats: dict[int, Chat] = field(default_factory=dict)
    callbacks: dict[str, CallbackRecord] = field(default_factory=dict)
    answered_callbacks: dict[str, dict[str, Any]] = field(default_factory=dict)
    commands: dict[tuple[ScopeKey, str], list[dict[str, Any]]] = field(default_factory=dict)
    menu_buttons: dict[int | None, dict[str, Any]] = field(default_factory=dict)
    chat_actions: list[tuple[int, str]] = field(default_factory=list)
    webhook: WebhookState = field(default_factory=WebhookState)
    next_callback_number: int = 1
    # Seconds after which an unanswered callback query can no longer be answered (None: never).
    callback_query_ttl: float | None = None
    files: dict[str, StoredFile] = field(default_factory=dict)  # file_id -> the file
    uploads: list[StoredFile] = field(default_factory=list)  # every file uploaded, in order
    inline_queries: dict[str, InlineQueryRecord] = field(default_factory=dict)
    inline_answers: dict[str, dict[str, Any]] = field(default_factory=dict)  # query id -> answer
    inline_mode: bool = False  # switched on with @BotFather's /setinline

    def find_chat(self, chat_id: int | str) -> Chat:
        """The chat the bot addresses, or Telegram's "chat not found"."""
        chat_id = numeric_id(chat_id)
        if isinstance(chat_id, int):
            chat = self.chats.get(chat_id)
            if chat is not None:
                return chat
        else:
            for chat in self.chats.values():
                if chat.type != "private" and chat.username and f"@{chat.username}" == chat_id:
                    return chat
        raise bad_request("chat not found")

    def add_chat(self, chat: Chat) -> Chat:
        """Remember a chat (the first user message does this)."""
        self.chats.setdefault(chat.id, chat)
        self.changes.bump()
        return self.chats[chat.id]
