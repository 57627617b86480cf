"""The Bot API methods: what each call does to the world and what it answers.

Parameters arrive already validated against the spec (validate.py); this module adds
Telegram's behaviour: chats must exist, edits must change something, queries are answered
once, updates are confirmed by offset, and so on.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from .documents import Documents, StoredDocument
from .errors import bad_request, conflict, forbidden
from .formatting import FormattedText, format_caption, format_text
from .inline import InlineAnswers
from .objects import message_json
from .photos import Photos
from .rules import (
    check_chat_action,
    check_commands,
    check_language_code,
    check_reply_markup,
    check_webhook,
)
from .state import ScopeKey, StoredFile, StoredMessage, WebhookState, World, now
from .updates import UpdateQueue

Params = dict[str, Any]
Handler = Callable[[Params], Awaitable[object]]

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"
_GET_ME_EXTRAS = {
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "can_connect_to_business": False,
    "has_main_web_app": False,
}
NO_TEXT = "there is no text in the message to edit"
NO_CAPTION = "there is no caption in the message to edit"


def _show_text(message: StoredMessage, formatted: FormattedText) -> None:
    message.text, message.entities = formatted.text, formatted.entities


def _show_document(message: StoredMessage, document: StoredDocument,
                   caption: FormattedText) -> None:
    message.text, message.entities = None, []
    message.content = {"document": document.json()}
    message.caption, message.caption_entities = caption.text or None, caption.entities


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
        self.photos = Photos(world)
        self.documents = Documents()
        self.inline = InlineAnswers(world)
        self._handlers: dict[str, Handler] = {
            "getMe": self.get_me,
            "getUpdates": self.get_updates,
            "setWebhook": self.set_webhook,
            "deleteWebhook": self.delete_webhook,
            "getWebhookInfo": self.get_webhook_info,
            "sendMessage": self.send_message,
            "sendPhoto": self.send_photo,
            "sendDocument": self.send_document,
            "editMessageText": self.edit_message_text,
            "editMessageCaption": self.edit_message_caption,
            "editMessageMedia": self.edit_message_media,
            "editMessageReplyMarkup": self.edit_message_reply_markup,
            "answerCallbackQuery": self.answer_callback_query,
            "answerInlineQuery": self.inline.answer,
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
        return {**self.world.bot_user, **_GET_ME_EXTRAS,
                "supports_inline_queries": self.world.inline_mode}

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
        formatted = format_text(params["text"], params.get("parse_mode"), params.get("entities"))
        return self._post(params, lambda message: _show_text(message, formatted),
                          sent_text=params["text"])

    async def send_photo(self, params: Params) -> object:
        caption = format_caption(params.get("caption"), params.get("parse_mode"),
                                 params.get("caption_entities"))
        photo = self.photos.resolve(params["photo"], params)
        return self._post(params, lambda message: self._show_photo(message, photo, caption),
                          sent_text=params.get("caption"))

    async def send_document(self, params: Params) -> object:
        caption = format_caption(params.get("caption"), params.get("parse_mode"),
                                 params.get("caption_entities"))
        document = self.documents.resolve(params["document"])
        return self._post(params, lambda message: _show_document(message, document, caption),
                          sent_text=params.get("caption"))

    def _post(self, params: Params, show: Callable[[StoredMessage], None],
              sent_text: str | None) -> object:
        """A new bot message in the chat, showing what `show` puts in it."""
        chat = self.world.find_chat(params["chat_id"])
        if chat.blocked:
            raise forbidden("bot was blocked by the user")
        markup = params.get("reply_markup")
        check_reply_markup(markup, inline_mode=self.world.inline_mode)
        reply_to = self._reply_target(chat.id, params.get("reply_parameters"))
        message = StoredMessage(
            message_id=chat.allocate_message_id(),
            chat_id=chat.id,
            sender=self.world.bot_user,
            by_bot=True,
            date=now(),
            created_seq=0,
            reply_markup=markup,
            parse_mode=params.get("parse_mode"),
            sent_text=sent_text,
            reply_to_message_id=reply_to,
        )
        show(message)
        chat.messages[message.message_id] = message
        message.created_seq = self.world.changes.bump()
        return message_json(message, chat)

    def _show_photo(self, message: StoredMessage, photo: StoredFile,
                    caption: FormattedText) -> None:
        message.text, message.entities = None, []
        message.content = {"photo": self.photos.sizes_json(photo)}
        message.caption, message.caption_entities = caption.text or None, caption.entities

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
        if message.text is None:
            raise bad_request(NO_TEXT)
        markup = params.get("reply_markup")
        check_reply_markup(markup, inline_mode=self.world.inline_mode)
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

    async def edit_message_caption(self, params: Params) -> object:
        message = self._editable(params)
        if "photo" not in message.content:
            raise bad_request(NO_CAPTION)
        markup = params.get("reply_markup")
        check_reply_markup(markup, inline_mode=self.world.inline_mode)
        caption = format_caption(params.get("caption"), params.get("parse_mode"),
                                 params.get("caption_entities"))
        unchanged = (caption.text or None, caption.entities, _inline_markup(markup)) == (
            message.caption, message.caption_entities, _inline_markup(message.reply_markup))
        if unchanged:
            raise bad_request(NOT_MODIFIED)
        message.caption, message.caption_entities = caption.text or None, caption.entities
        message.parse_mode = params.get("parse_mode")
        message.sent_text = params.get("caption")
        message.reply_markup = _inline_markup(markup)
        return self._apply_edit(message)

    async def edit_message_media(self, params: Params) -> object:
        """A photo in place of a message's photo, or of its text (Bot API 10.1: "or to
        replace a text ... with a media"); only photos are implemented here."""
        message = self._editable(params)
        media = params["media"]
        if media.get("type") != "photo":
            raise bad_request(f"{media.get('type')} media is not implemented by FakeTelegram")
        markup = params.get("reply_markup")
        check_reply_markup(markup, inline_mode=self.world.inline_mode)
        caption = format_caption(media.get("caption"), media.get("parse_mode"),
                                 media.get("caption_entities"))
        photo = self.photos.resolve(media["media"], params)
        shown = message.content.get("photo") or [{}]
        unchanged = (photo.file_unique_id, caption.text or None, caption.entities,
                     _inline_markup(markup)) == (
            shown[-1].get("file_unique_id"), message.caption, message.caption_entities,
            _inline_markup(message.reply_markup))
        if unchanged:
            raise bad_request(NOT_MODIFIED)
        self._show_photo(message, photo, caption)
        message.parse_mode = media.get("parse_mode")
        message.sent_text = media.get("caption")
        message.reply_markup = _inline_markup(markup)
        return self._apply_edit(message)

    async def edit_message_reply_markup(self, params: Params) -> object:
        message = self._editable(params)
        markup = _inline_markup(params.get("reply_markup"))
        check_reply_markup(markup, inline_mode=self.world.inline_mode)
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
