"""The fake must refuse what Telegram refuses, with Telegram's error shape and wording."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from telegram import Bot, BotCommand, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, Conflict, InvalidToken

from tests.fake_telegram import FakeTelegram

CHAT = 777


@pytest.fixture
async def server() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as fake:
        fake.user_sends(CHAT, "hello")
        yield fake


@pytest.fixture
async def bot(server: FakeTelegram) -> AsyncIterator[Bot]:
    async with Bot(server.token, base_url=server.api_base_url) as client:
        yield client


async def raw(
    server: FakeTelegram,
    method: str,
    *,
    data: dict[str, str] | None = None,
    body: object = None,
    token: str | None = None,
) -> tuple[int, dict[str, Any]]:
    """One request without python-telegram-bot, to send what it never would."""
    url = f"{server.api_base_url}{token or server.token}/{method}"
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=data, json=body) as response,
    ):
        return response.status, await response.json()


def only_rejection(server: FakeTelegram) -> str:
    assert len(server.rejections) == 1, server.rejections
    return server.rejections[0].description


async def test_wrong_token_is_401(server: FakeTelegram, bot: Bot) -> None:
    status, body = await raw(server, "getMe", token="1:wrong")
    assert (status, body) == (401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
    with pytest.raises(InvalidToken):  # Bot.initialize calls getMe
        async with Bot("2:also-wrong", base_url=server.api_base_url):
            pass


async def test_unknown_method_is_404(server: FakeTelegram) -> None:
    status, body = await raw(server, "sendVoice", data={"chat_id": str(CHAT)})
    assert (status, body["description"]) == (404, "Not Found")
    status, _ = await raw(server, "SENDMESSAGE", data={"chat_id": str(CHAT), "text": "x"})
    assert status == 200  # method names are case-insensitive


async def test_too_long_text(server: FakeTelegram, bot: Bot) -> None:
    await bot.send_message(CHAT, "я" * 4096)
    await bot.send_message(CHAT, "<b>" + "x" * 4096 + "</b>", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)too long"):
        await bot.send_message(CHAT, "x" * 4097)
    with pytest.raises(BadRequest, match=r"(?i)too long"):
        await bot.send_message(CHAT, "🚗" * 2049)  # 4098 UTF-16 units
    assert len(server.rejections) == 2
    assert len(server.bot_messages(CHAT)) == 2


@pytest.mark.parametrize("text", ["", "   \n ", "<b></b>", "<i> </i>"])
async def test_empty_text(server: FakeTelegram, bot: Bot, text: str) -> None:
    with pytest.raises(BadRequest, match=r"(?i)text is empty"):
        await bot.send_message(CHAT, text, parse_mode=ParseMode.HTML)


async def test_callback_data_over_64_bytes(server: FakeTelegram, bot: Bot) -> None:
    ok = InlineKeyboardMarkup([[InlineKeyboardButton("ok", callback_data="ж" * 32)]])
    await bot.send_message(CHAT, "fits", reply_markup=ok)
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("no", callback_data="ж" * 32 + "x")]])
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await bot.send_message(CHAT, "65 bytes", reply_markup=too_long)
    assert only_rejection(server) == "Bad Request: BUTTON_DATA_INVALID"


async def test_inline_button_needs_exactly_one_action(server: FakeTelegram) -> None:
    markup = {"inline_keyboard": [[{"text": "plain"}]]}
    data = {"chat_id": str(CHAT), "text": "x", "reply_markup": json.dumps(markup)}
    status, body = await raw(server, "sendMessage", data=data)
    assert status == 400 and body["description"] == (
        "Bad Request: can't parse inline keyboard button: "
        "Text buttons are unallowed in the inline keyboard"
    )
    markup = {"inline_keyboard": [[{"text": "two", "url": "https://a.b", "callback_data": "c"}]]}
    status, body = await raw(
        server, "sendMessage", data={**data, "reply_markup": json.dumps(markup)}
    )
    assert status == 400 and "must use exactly one of" in body["description"]


async def test_reply_keyboard_rows_must_not_be_empty(server: FakeTelegram) -> None:
    data = {"chat_id": str(CHAT), "text": "x", "reply_markup": '{"keyboard": [["a"], []]}'}
    status, body = await raw(server, "sendMessage", data=data)
    assert status == 400 and "row 1 is empty" in body["description"]


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("Tom & Jerry", 'Unescaped "&" at byte offset 4'),
        ("<b>bold", "Can't find end tag corresponding to start tag b"),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<div>x</div>", 'Unsupported start tag "div" at byte offset 0'),
        ("<br/>", 'Unsupported start tag "br/" at byte offset 0'),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ('<a href="x>y</a>', "Unclosed start tag at byte offset 0"),
        ("é<b", "Unclosed start tag at byte offset 2"),
    ],
)
async def test_malformed_html(server: FakeTelegram, bot: Bot, html: str, reason: str) -> None:
    with pytest.raises(BadRequest, match=r"(?i)parse entities"):
        await bot.send_message(CHAT, html, parse_mode=ParseMode.HTML)
    assert only_rejection(server).startswith(f"Bad Request: can't parse entities: {reason}")
    assert server.bot_messages(CHAT) == []


async def test_not_modified_edit(server: FakeTelegram, bot: Bot) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("a", callback_data="a")]])
    sent = await bot.send_message(CHAT, "<b>Hi</b>", parse_mode="HTML", reply_markup=markup)
    with pytest.raises(BadRequest, match=r"(?i)not modified"):
        await bot.edit_message_text(
            "<b>Hi</b>", CHAT, sent.message_id, parse_mode="HTML", reply_markup=markup
        )
    with pytest.raises(BadRequest, match=r"(?i)not modified"):
        await bot.edit_message_reply_markup(CHAT, sent.message_id, reply_markup=markup)
    assert server.rejections[0].description == (
        "Bad Request: message is not modified: specified new message content and reply markup "
        "are exactly the same as a current content and reply markup of the message"
    )
    # Same visible text without the bold entity is a modification.
    await bot.edit_message_text("Hi", CHAT, sent.message_id, reply_markup=markup)


async def test_edit_missing_or_foreign_message(server: FakeTelegram, bot: Bot) -> None:
    for message_id in (1, 50):  # 1 is the user's own message
        with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
            await bot.edit_message_text("x", CHAT, message_id)


async def test_unknown_or_repeated_callback_answer(server: FakeTelegram, bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query("123")
    sent = await bot.send_message(CHAT, "x")
    query_id = server.user_taps(CHAT, sent.message_id, "forged-data")
    assert await bot.answer_callback_query(query_id)
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query(query_id)
    assert [r.description for r in server.rejections] == [
        "Bad Request: query is too old and response timeout expired or query ID is invalid"
    ] * 2


async def test_callback_query_expires_when_ttl_is_set(bot: Bot) -> None:
    async with FakeTelegram(callback_query_ttl=0.05) as fake:
        fake.user_sends(CHAT, "x")
        async with Bot(fake.token, base_url=fake.api_base_url) as client:
            sent = await client.send_message(CHAT, "x")
            query_id = fake.user_taps(CHAT, sent.message_id, "late")
            await asyncio.sleep(0.1)
            with pytest.raises(BadRequest, match=r"(?i)query is too old"):
                await client.answer_callback_query(query_id)


async def test_callback_answer_text_limit(server: FakeTelegram, bot: Bot) -> None:
    sent = await bot.send_message(CHAT, "x")
    query_id = server.user_taps(CHAT, sent.message_id, "d")
    with pytest.raises(BadRequest, match=r"(?i)0-200 characters"):
        await bot.answer_callback_query(query_id, text="x" * 201)
    assert await bot.answer_callback_query(query_id, text="x" * 200)


async def test_chat_not_found(server: FakeTelegram, bot: Bot) -> None:
    for chat_id in (999, "@nobody"):
        with pytest.raises(BadRequest, match=r"(?i)Chat not found"):
            await bot.send_message(chat_id, "x")


async def test_blocked_user_is_403(server: FakeTelegram, bot: Bot) -> None:
    server.user_blocks_bot(CHAT)
    with pytest.raises(Exception, match=r"(?i)blocked by the user"):
        await bot.send_message(CHAT, "x")
    update = (await bot.get_updates())[-1]
    assert update.my_chat_member is not None
    assert update.my_chat_member.new_chat_member.status == "kicked"


@pytest.mark.parametrize(
    ("command", "description", "reason"),
    [
        ("Start", "ok", "BOT_COMMAND_INVALID"),
        ("/start", "ok", "BOT_COMMAND_INVALID"),
        ("x" * 33, "ok", "BOT_COMMAND_INVALID"),
        ("start", "", "BOT_COMMAND_DESCRIPTION_INVALID"),
        ("start", "d" * 257, "BOT_COMMAND_DESCRIPTION_INVALID"),
    ],
)
async def test_invalid_commands(
    server: FakeTelegram, bot: Bot, command: str, description: str, reason: str
) -> None:
    with pytest.raises(BadRequest, match=rf"(?i){reason}"):
        await bot.set_my_commands([BotCommand(command, description)])


async def test_too_many_commands_and_bad_language(server: FakeTelegram, bot: Bot) -> None:
    commands = [BotCommand(f"c{i}", "d") for i in range(101)]
    with pytest.raises(BadRequest, match=r"(?i)too many commands"):
        await bot.set_my_commands(commands)
    await bot.set_my_commands(commands[:100])
    with pytest.raises(BadRequest, match=r"(?i)language code"):
        await bot.set_my_commands(commands[:1], language_code="english")


async def test_unknown_parameter(server: FakeTelegram) -> None:
    data = {"chat_id": str(CHAT), "text": "x", "parse_mod": "HTML"}
    status, body = await raw(server, "sendMessage", data=data)
    assert status == 400
    assert (
        body["description"] == 'Bad Request: unknown parameter "parse_mod" for method sendMessage'
    )
    assert server.rejections[0].method == "sendMessage"


async def test_unknown_nested_field(server: FakeTelegram) -> None:
    markup = {"inline_keyboard": [[{"text": "a", "callback": "x"}]]}
    data = {"chat_id": str(CHAT), "text": "x", "reply_markup": json.dumps(markup)}
    status, body = await raw(server, "sendMessage", data=data)
    assert (
        status == 400
        and 'unknown field "reply_markup.inline_keyboard[0][0].callback"' in (body["description"])
    )


async def test_missing_parameter(server: FakeTelegram) -> None:
    status, body = await raw(server, "sendMessage", data={"chat_id": str(CHAT)})
    assert (status, body["description"]) == (400, 'Bad Request: parameter "text" is required')
    status, body = await raw(server, "setMyCommands", body={"commands": [{"command": "a"}]})
    assert status == 400
    assert body["description"] == (
        'Bad Request: field "commands[0].description" of BotCommand is required'
    )


@pytest.mark.parametrize(
    ("method", "params", "expected"),
    [
        ("sendMessage", {"chat_id": CHAT, "text": 5}, 'field "text" must be of type String'),
        ("sendMessage", {"chat_id": 1.5, "text": "x"}, "Integer or String"),
        ("editMessageText", {"chat_id": CHAT, "message_id": "one", "text": "x"}, "Integer"),
        (
            "sendMessage",
            {"chat_id": CHAT, "text": "x", "disable_notification": "yes"},
            "Boolean",
        ),
        ("sendMessage", {"chat_id": CHAT, "text": "x", "reply_markup": [1]}, "InlineKeyboard"),
        (
            "sendMessage",
            {"chat_id": CHAT, "text": "x", "reply_markup": {"inline_keyboard": [{"text": "a"}]}},
            'field "reply_markup.inline_keyboard[0]" must be of type Array of InlineKeyboardButton',
        ),
        (
            "setMyCommands",
            {"commands": [{"command": "a", "description": "b"}], "scope": {"type": "galaxy"}},
            'field "scope.type" must be one of',
        ),
        (
            "setMyCommands",
            {"commands": [{"command": "a", "description": "b"}], "scope": {"type": "chat"}},
            'field "scope.chat_id" of BotCommandScopeChat is required',
        ),
        (
            "sendMessage",
            {"chat_id": CHAT, "text": "x", "link_preview_options": {"is_disabled": 1}},
            "link_preview_options.is_disabled",
        ),
        (
            "sendMessage",
            {"chat_id": CHAT, "text": "x", "reply_parameters": {"message_id": "1"}},
            "reply_parameters.message_id",
        ),
        (
            "sendMessage",
            {
                "chat_id": CHAT,
                "text": "x",
                "entities": [{"type": "shout", "offset": 0, "length": 1}],
            },
            'field "entities[0].type" must be one of',
        ),
    ],
)
async def test_wrong_types_in_json_bodies(
    server: FakeTelegram, method: str, params: dict[str, Any], expected: str
) -> None:
    status, body = await raw(server, method, body=params)
    assert status == 400 and body["ok"] is False and body["error_code"] == 400
    assert expected in body["description"]
    assert only_rejection(server) == body["description"]


async def test_wrong_types_in_form_bodies(server: FakeTelegram) -> None:
    data = {"chat_id": str(CHAT), "text": "x", "reply_markup": "{not json"}
    status, body = await raw(server, "sendMessage", data=data)
    assert status == 400 and "can't parse JSON" in body["description"]
    status, body = await raw(server, "getUpdates", data={"limit": "ten"})
    assert status == 400 and 'parameter "limit" must be of type Integer' in body["description"]


async def test_json_and_form_bodies_both_work(server: FakeTelegram) -> None:
    markup = {"inline_keyboard": [[{"text": "a", "callback_data": "b"}]]}
    status, body = await raw(
        server, "sendMessage", body={"chat_id": CHAT, "text": "json", "reply_markup": markup}
    )
    assert status == 200 and body["result"]["reply_markup"] == markup
    form = {"chat_id": str(CHAT), "text": "form", "reply_markup": json.dumps(markup)}
    status, body = await raw(server, "sendMessage", data=form)
    assert status == 200 and body["result"]["text"] == "form"
    url = f"{server.api_base_url}{server.token}/sendMessage?chat_id={CHAT}&text=query"
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        assert response.status == 200
    assert [view.text for view in server.bot_messages(CHAT)] == ["json", "form", "query"]
    assert server.rejections == []


async def test_multipart_upload_of_webhook_certificate(server: FakeTelegram, bot: Bot) -> None:
    certificate = b"-----BEGIN CERTIFICATE-----\nfake\n-----END CERTIFICATE-----\n"
    assert await bot.set_webhook("https://example.com/hook", certificate=certificate)
    assert (await bot.get_webhook_info()).has_custom_certificate
    assert server.webhook.has_custom_certificate and server.rejections == []


async def test_get_updates_while_webhook_is_set(server: FakeTelegram, bot: Bot) -> None:
    await bot.set_webhook("https://example.com/hook", secret_token="s3cret_-")
    with pytest.raises(Conflict, match=r"(?i)webhook is active"):
        await bot.get_updates()
    with pytest.raises(BadRequest, match=r"(?i)secret token"):
        await bot.set_webhook("https://example.com/hook", secret_token="bad token!")
