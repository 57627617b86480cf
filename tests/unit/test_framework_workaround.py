"""The workarounds for python-telegram-bot (bot/telegram/persistence_marks.py and
bot/telegram/stray_parse_mode.py), each against the framework as installed.

If a test of what the framework does fails, the framework has fixed or changed it: read the
new code, then delete the workaround or move it with the change.

Persistence marks. No upstream report was found in python-telegram-bot's tracker. The report
to file: "Application without persistence: _chat_ids/_user_ids_to_be_updated_in_persistence grow
forever. process_update() calls _mark_for_persistence_update() for every update handled by a
blocking handler; only update_persistence() empties the two sets, and it returns early when
`persistence` is None, so a bot with no persistence keeps two ints per chat and user ever
seen (about 14 MB per 100,000 chats). Suggested fix: skip the marking when persistence is
None." With a reproduction like test_the_framework_still_marks_chats_without_persistence.

A stray parse mode. No upstream report was found either. The report to file: "With
Defaults(parse_mode=...), editMessageMedia and editMessageReplyMarkup requests carry a
parse_mode the Bot API does not define for them: Bot._send_message adds
parse_mode=DEFAULT_NONE for every method it sends, and ExtBot._insert_defaults fills it in.
Suggested fix: add parse_mode only for the methods that take it." With a reproduction like
test_the_framework_still_sends_a_default_parse_mode_stray.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from telegram import InputMediaPhoto, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import Application, ContextTypes, Defaults, ExtBot, MessageHandler, filters

from bot.telegram.persistence_marks import PERSISTENCE_MARKS, forget_persistence_marks
from bot.telegram.stray_parse_mode import TAKES_NO_PARSE_MODE, drop_stray_parse_mode
from tests.fake_telegram import FakeTelegram


async def _ignore(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    return None


@pytest.fixture
async def application() -> AsyncIterator[Application[Any, Any, Any, Any, Any, Any]]:
    async with FakeTelegram("123456:workaround-test") as server:
        app = (Application.builder().token(server.token).base_url(f"{server.base_url}/bot")
               .updater(None).build())
        app.add_handler(MessageHandler(filters.ALL, _ignore))
        async with app:
            yield app


def message_from(chat_id: int, app: Application[Any, Any, Any, Any, Any, Any]) -> Update:
    person = {"id": chat_id, "is_bot": False, "first_name": "Owner"}
    return Update.de_json({"update_id": chat_id, "message": {
        "message_id": 1, "date": 0, "text": "hello", "from": person,
        "chat": {"id": chat_id, "type": "private", "first_name": "Owner"}}}, app.bot)


async def test_the_framework_still_marks_chats_without_persistence(
        application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    assert application.persistence is None
    for chat_id in (41, 42):
        await application.process_update(message_from(chat_id, application))
    marks = [getattr(application, name, None) for name in PERSISTENCE_MARKS]
    assert marks == [{41, 42}, {41, 42}], (
        "python-telegram-bot changed how it marks chats for persistence: see this module's "
        "docstring before keeping bot/telegram/persistence_marks.py")


async def test_forgetting_the_marks_empties_them(
        application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    await application.process_update(message_from(43, application))
    forget_persistence_marks(application)
    assert [getattr(application, name) for name in PERSISTENCE_MARKS] == [set(), set()]


async def test_the_framework_still_sends_a_default_parse_mode_stray() -> None:
    """Against the test server, which refuses a parameter the Bot API does not list."""
    async with FakeTelegram("123456:workaround-test") as server, ExtBot(
            server.token, base_url=f"{server.base_url}/bot",
            defaults=Defaults(parse_mode=ParseMode.HTML)) as bot:
        with pytest.raises(BadRequest):
            await bot.edit_message_reply_markup(chat_id=41, message_id=1)
        with pytest.raises(BadRequest):
            await bot.edit_message_media(InputMediaPhoto("a-file-id"), chat_id=41, message_id=1)
        sent = {call.method: call.params for call in server.calls
                if call.method in TAKES_NO_PARSE_MODE}
    assert sorted(sent) == sorted(TAKES_NO_PARSE_MODE)
    assert all(params.get("parse_mode") == "HTML" for params in sent.values()), (
        "python-telegram-bot no longer sends a default parse_mode where none is taken: see "
        "this module's docstring before keeping bot/telegram/stray_parse_mode.py")


def test_the_stray_parse_mode_is_dropped_only_where_no_method_takes_it() -> None:
    url = "https://api.telegram.org/bot123456:workaround-test/"
    for method in TAKES_NO_PARSE_MODE:
        assert drop_stray_parse_mode(url + method, {"chat_id": 41, "parse_mode": "HTML"}) == {
            "chat_id": 41}
    caption = {"chat_id": 41, "caption": "<b>open</b>", "parse_mode": "HTML"}
    assert drop_stray_parse_mode(url + "editMessageCaption", dict(caption)) == caption
