"""Telegram's checks that the spec states only in prose or not at all (spec-driven ones
live in validate.py). Each function raises the 400 Telegram would give."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from .errors import bad_request
from .textutil import is_blank

MAX_COMMANDS = 100
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_LANGUAGE = re.compile(r"[a-z]{2}")
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


_SWITCH_INLINE = ("switch_inline_query", "switch_inline_query_current_chat",
                  "switch_inline_query_chosen_chat")


def check_reply_markup(markup: dict[str, Any] | None, *, inline_mode: bool = False) -> None:
    """Keyboards Telegram refuses although they are well-typed. A button that starts inline
    mode is refused while the bot's inline mode is off: its clients could do nothing with it
    (stricter than Telegram, so that the bot never shows such a dead button)."""
    if markup is None:
        return
    rows = markup.get("keyboard")
    if rows is not None:
        if not rows:
            raise bad_request("reply keyboard must have at least one row")
        for index, row in enumerate(rows):
            if not row:
                raise bad_request(f"reply keyboard row {index} is empty")
    for row in markup.get("inline_keyboard", []):
        for button in row:
            if not button.get("text"):
                raise bad_request("BUTTON_TEXT_INVALID")
            if not inline_mode and any(key in button for key in _SWITCH_INLINE):
                raise bad_request("BUTTON_TYPE_INVALID: the bot's inline mode is off")
            url = button.get("url")
            if url is not None and urlsplit(url).scheme not in ("http", "https", "tg"):
                raise bad_request("BUTTON_URL_INVALID")


def check_commands(commands: list[dict[str, Any]]) -> None:
    """setMyCommands: names [a-z0-9_]{1,32}, non-blank descriptions, at most 100."""
    if len(commands) > MAX_COMMANDS:
        raise bad_request(f"too many commands specified: {len(commands)} > {MAX_COMMANDS}")
    for command in commands:
        if not _COMMAND.fullmatch(command["command"]):
            raise bad_request("BOT_COMMAND_INVALID")
        if is_blank(command["description"]):
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")


def check_language_code(code: str | None) -> None:
    """Command lists are per two-letter ISO 639-1 code, or "" for everyone."""
    if code and not _LANGUAGE.fullmatch(code):
        raise bad_request("invalid language code specified")


def check_chat_action(action: str) -> None:
    """sendChatAction takes one of a fixed list of actions."""
    if action not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")


def check_webhook(url: str, secret_token: str | None) -> None:
    """setWebhook: an absolute http(s) URL (plain http is allowed here for local tests)."""
    if secret_token is not None and not _SECRET.fullmatch(secret_token):
        raise bad_request("secret token contains unallowed characters")
    if not url:
        return
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
