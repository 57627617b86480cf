"""The Bot API methods: what each call does to the world and what it answers.

Parameters arrive already validated against the spec (validate.py); this module adds
Telegram's behaviour: chats must exist, edits must change something, queries are answered
once, updates are confirmed by offset, and so on.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from .errors import ApiError, bad_request, conflict, forbidden
from .formatting import format_caption, format_text
from .objects import message_json
from .rules import (
    check_chat_action,
    check_commands,
    check_language_code,
    check_reply_markup,
    check_webhook,
)
from .state import Chat, ScopeKey, StoredFile, StoredMessage, WebhookState, World, now
from .updates import UpdateQueue
from .validate import FilePart

Params = dict[str, Any]
Handler = Callable[[Params], Awaitable[object]]

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"
MAX_UPLOAD_BYTES = 50 * 1024 * 1024  # "Bots can currently send files of any type of up to 50 MB"
_GET_ME_EXTRAS = {
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
    "can_connect_to_business": False,
    "has_main_web_app": False,
}


def _inline_markup(markup: dict[str, Any] | None) -> dict[str, Any] | None:
    """The part of reply_markup a message keeps: a non-empty inline keyboard, or nothing."""
    if markup is None or not markup.get("inline_keyboard"):
        return None
    return markup


class BotApi:
    """Dispatches validated calls to the method implementations."""

    def __init__(self, world: World, queue: UpdateQueue) -> None:
        self.world = world
        self.queue = queue
        self._handlers: dict[str, Handler] = {
            "getMe": self.get_me,
            "getUpdates": self.get_updates,
            "setWebhook": self.set_webhook,
            "deleteWebhook": self.delete_webhook,
            "getWebhookInfo": self.get_webhook_info,
            "sendMessage": self.send_message,
            "sendDocument": self.send_document,
            "editMessageText": self.edit_message_text,
            "editMessageReplyMarkup": self.edit_message_reply_markup,
            "answerCallbackQuery": self.answer_callback_query,
            "setMyCommands": self.set_my_commands,
            "deleteMyCommands": self.delete_my_commands,
            "getMyCommands": self.get_my_commands,
            "sendChatAction": self.send_chat_action,
            "close": self.close,
            "logOut": self.log_out,
            "setChatMenuButton": self.set_chat_menu_button,
        }

    def handles(self, method: str) -> bool:
        """True if the method is implemented."""
        return method in self._handlers

    async def call(self, method: str, params: Params) -> object:
        """Run one method; ApiError carries Telegram's error answer."""
        return await self._handlers[method](params)

    async def get_me(self, params: Params) -> object:
        return {**self.world.bot_user, **_GET_ME_EXTRAS}

    async def get_updates(self, params: Params) -> object:
        if self.world.webhook.url:
            raise conflict(
                "can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first"
            )
        self.queue.set_allowed(params.get("allowed_updates"))
        return await self.queue.poll(
            params.get("offset", 0), params.get("limit", 100), params.get("timeout", 0)
        )

    async def set_webhook(self, params: Params) -> object:
        url: str = params["url"]
        check_webhook(url, params.get("secret_token"))
        if params.get("drop_pending_updates"):
            self.queue.drop_pending()
        self.queue.set_allowed(params.get("allowed_updates"))
        self.world.webhook = WebhookState(
            url=url,
            secret_token=params.get("secret_token") if url else None,
            max_connections=params.get("max_connections", 40),
            allowed_updates=self.queue.allowed,
            ip_address=params.get("ip_address"),
            has_custom_certificate=url != "" and "certificate" in params,
        )
        self.world.changes.bump()
        return True

    async def delete_webhook(self, params: Params) -> object:
        if params.get("drop_pending_updates"):
            self.queue.drop_pending()
        self.world.webhook = WebhookState()
        self.world.changes.bump()
        return True

    async def get_webhook_info(self, params: Params) -> object:
        hook = self.world.webhook
        info: dict[str, Any] = {
            "url": hook.url,
            "has_custom_certificate": hook.has_custom_certificate,
            "pending_update_count": len(self.queue.pending),
        }
        if hook.url:
            info["max_connections"] = hook.max_connections
            if hook.ip_address:
                info["ip_address"] = hook.ip_address
            if hook.allowed_updates is not None:
                info["allowed_updates"] = hook.allowed_updates
        return info

    async def send_message(self, params: Params) -> object:
        chat = self._chat_to_write_to(params)
        formatted = format_text(params["text"], params.get("parse_mode"), params.get("entities"))
        return self._post(chat, params, text=formatted.text, entities=formatted.entities,
                          sent_text=params["text"])

    async def send_document(self, params: Params) -> object:
        chat = self._chat_to_write_to(params)
        document = self._document(params["document"])
        caption = format_caption(
            params.get("caption", ""), params.get("parse_mode"), params.get("caption_entities")
        )
        content: dict[str, Any] = {"document": document.json()}
        if caption.text:
            content["caption"] = caption.text
            if caption.entities:
                content["caption_entities"] = caption.entities
        return self._post(chat, params, content=content)

    def _chat_to_write_to(self, params: Params) -> Chat:
        """The chat a send addresses, once Telegram's checks on it and the markup pass."""
        chat = self.world.find_chat(params["chat_id"])
        if chat.blocked:
            raise forbidden("bot was blocked by the user")
        check_reply_markup(params.get("reply_markup"))
        return chat

    def _post(self, chat: Chat, params: Params, **fields: Any) -> object:
        """A new message from the bot in `chat`: stored, and answered as a Message."""
        reply_to = self._reply_target(chat.id, params.get("reply_parameters"))
        message = StoredMessage(
            message_id=chat.allocate_message_id(),
            chat_id=chat.id,
            sender=self.world.bot_user,
            by_bot=True,
            date=now(),
            created_seq=0,
            reply_markup=params.get("reply_markup"),
            parse_mode=params.get("parse_mode"),
            reply_to_message_id=reply_to,
            **fields,
        )
        chat.messages[message.message_id] = message
        message.created_seq = self.world.changes.bump()
        return message_json(message, chat)

    def _document(self, given: FilePart | str) -> StoredFile:
        """An uploaded file is stored; a file_id must name one stored before; a URL is
        fetched by Telegram (here: taken on trust, empty)."""
        if isinstance(given, FilePart):
            if not given.data:
                raise bad_request("file must be non-empty")
            if len(given.data) > MAX_UPLOAD_BYTES:
                raise ApiError(413, "Request Entity Too Large")
            return self.world.store_file(given.filename or "document", given.content_type,
                                         given.data)
        if given.startswith(("http://", "https://")):
            return self.world.store_file(given.rsplit("/", 1)[-1] or "file", None, b"")
        stored = self.world.files.get(given)
        if stored is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        return stored

    def _reply_target(self, chat_id: int, reply: dict[str, Any] | None) -> int | None:
        if reply is None:
            return None
        target_chat = self.world.find_chat(reply.get("chat_id", chat_id))
        if reply["message_id"] in target_chat.messages:
            return int(reply["message_id"]) if target_chat.id == chat_id else None
        if reply.get("allow_sending_without_reply"):
            return None
        raise bad_request("message to be replied not found")

    def _editable(self, params: Params) -> StoredMessage:
        """The bot's own message an edit addresses, or Telegram's error."""
        if "inline_message_id" in params:
            raise bad_request("MESSAGE_ID_INVALID")
        for name in ("chat_id", "message_id"):
            if name not in params:
                raise bad_request(
                    f'parameter "{name}" is required when inline_message_id is not specified'
                )
        chat = self.world.find_chat(params["chat_id"])
        message = chat.messages.get(params["message_id"])
        if message is None or not message.by_bot:
            raise bad_request("message to edit not found")
        return message

    def _apply_edit(self, message: StoredMessage) -> object:
        message.edit_count += 1
        message.edit_date = now()
        message.edited_seq = self.world.changes.bump()
        return message_json(message, self.world.chats[message.chat_id])

    async def edit_message_text(self, params: Params) -> object:
        message = self._editable(params)
        if "rich_message" in params:
            raise bad_request("rich_message is not implemented by FakeTelegram")
        if "text" not in params:
            raise bad_request("message text is empty")
        markup = params.get("reply_markup")
        check_reply_markup(markup)
        formatted = format_text(params["text"], params.get("parse_mode"), params.get("entities"))
        unchanged = (formatted.text, formatted.entities, _inline_markup(markup)) == (
            message.text,
            message.entities,
            _inline_markup(message.reply_markup),
        )
        if unchanged:
            raise bad_request(NOT_MODIFIED)
        message.text = formatted.text
        message.entities = formatted.entities
        message.parse_mode = params.get("parse_mode")
        message.sent_text = params["text"]
        message.reply_markup = _inline_markup(markup)
        return self._apply_edit(message)

    async def edit_message_reply_markup(self, params: Params) -> object:
        message = self._editable(params)
        markup = _inline_markup(params.get("reply_markup"))
        check_reply_markup(markup)
        if markup == _inline_markup(message.reply_markup):
            raise bad_request(NOT_MODIFIED)
        message.reply_markup = markup
        return self._apply_edit(message)

    async def answer_callback_query(self, params: Params) -> object:
        query_id: str = params["callback_query_id"]
        record = self.world.callbacks.get(query_id)
        ttl = self.world.callback_query_ttl
        expired = record is not None and ttl is not None and time.monotonic() - record.created > ttl
        if record is None or record.answered or expired:
            raise bad_request(QUERY_INVALID)
        record.answered = True
        self.world.answered_callbacks[query_id] = params
        self.world.changes.bump()
        return True

    def _scope(self, params: Params) -> tuple[ScopeKey, str]:
        language = params.get("language_code", "")
        check_language_code(language)
        scope = params.get("scope")
        if scope is not None and "chat_id" in scope:
            self.world.find_chat(scope["chat_id"])
        return ScopeKey.from_scope(scope), language

    async def set_my_commands(self, params: Params) -> object:
        key = self._scope(params)
        check_commands(params["commands"])
        self.world.commands[key] = params["commands"]
        self.world.changes.bump()
        return True

    async def delete_my_commands(self, params: Params) -> object:
        self.world.commands.pop(self._scope(params), None)
        self.world.changes.bump()
        return True

    async def get_my_commands(self, params: Params) -> object:
        return self.world.commands.get(self._scope(params), [])

    async def send_chat_action(self, params: Params) -> object:
        chat = self.world.find_chat(params["chat_id"])
        if chat.blocked:
            raise forbidden("bot was blocked by the user")
        check_chat_action(params["action"])
        self.world.chat_actions.append((chat.id, params["action"]))
        self.world.changes.bump()
        return True

    async def close(self, params: Params) -> object:
        return True

    async def log_out(self, params: Params) -> object:
        return True

    async def set_chat_menu_button(self, params: Params) -> object:
        chat_id = params.get("chat_id")
        if chat_id is not None:
            chat = self.world.find_chat(chat_id)
            if chat.type != "private":
                raise bad_request("menu button can be set only in private chats")
        self.world.menu_buttons[chat_id] = params.get("menu_button", {"type": "default"})
        self.world.changes.bump()
        return True
