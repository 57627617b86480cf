"""The fake server through the real python-telegram-bot client: the happy paths the bot uses."""

from __future__ import annotations

import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    BotCommandScopeDefault,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    MenuButtonCommands,
    MessageEntity,
    ReplyKeyboardMarkup,
    ReplyParameters,
    Update,
)
from telegram.constants import ParseMode

from tests.fake_telegram import FakeTelegram, ScopeKey

CHAT = 4242


def keyboard(*data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(d.upper(), callback_data=d) for d in data]])


async def test_get_me_describes_the_bot(server: FakeTelegram, bot: Bot) -> None:
    me = await bot.get_me()
    assert me.is_bot and me.username == "fake_test_bot" and me.id == 123456789
    assert me.api_kwargs == {}


async def test_user_command_arrives_as_update_with_bot_command_entity(
    server: FakeTelegram, bot: Bot
) -> None:
    sent = server.user_sends(CHAT, "/start now", language_code="ru", first_name="Olga")
    (update,) = await bot.get_updates(timeout=1)
    assert update.api_kwargs == {}
    message = update.message
    assert message is not None and message.message_id == sent["message_id"]
    assert message.text == "/start now" and message.chat.type == "private"
    assert message.from_user is not None and message.from_user.language_code == "ru"
    assert message.from_user.first_name == "Olga"
    assert message.entities == (MessageEntity(MessageEntity.BOT_COMMAND, 0, 6),)


@pytest.mark.parametrize("kind", ["sticker", "photo", "voice", "location", "document", "contact"])
async def test_user_media_kinds_parse_in_ptb(server: FakeTelegram, bot: Bot, kind: str) -> None:
    server.user_sends_kind(CHAT, kind)
    (update,) = await bot.get_updates()
    assert update.message is not None and getattr(update.message, kind)
    assert update.message.text is None
    assert update.message.api_kwargs == {}


async def test_send_html_message_is_stored_as_parsed_text(server: FakeTelegram, bot: Bot) -> None:
    server.user_sends(CHAT, "hi")
    sent = await bot.send_message(
        CHAT,
        "<b>Open</b> the &lt;boot&gt; 🚗 <i>now</i>",
        parse_mode=ParseMode.HTML,
        reply_markup=keyboard("a", "b"),
        link_preview_options=LinkPreviewOptions(is_disabled=True),
    )
    assert sent.text == "Open the <boot> 🚗 now"
    assert sent.entities == (
        MessageEntity(MessageEntity.BOLD, 0, 4),
        MessageEntity(MessageEntity.ITALIC, 19, 3),  # the car emoji is two UTF-16 units
    )
    assert sent.reply_markup == keyboard("a", "b")
    (view,) = server.bot_messages(CHAT)
    assert view.message_id == sent.message_id == 2  # the user's message was 1
    assert view.text == "Open the <boot> 🚗 now" and view.parse_mode == "HTML"
    assert view.callback_data == ["a", "b"] and view.button_texts == ["A", "B"]


async def test_reply_keyboard_and_reply_parameters(server: FakeTelegram, bot: Bot) -> None:
    asked = server.user_sends(CHAT, "question")
    sent = await bot.send_message(
        CHAT,
        "pick",
        reply_markup=ReplyKeyboardMarkup([["one", "two"], ["three"]], resize_keyboard=True),
        reply_parameters=ReplyParameters(asked["message_id"]),
    )
    assert sent.reply_to_message is not None
    assert sent.reply_to_message.message_id == asked["message_id"]
    assert sent.reply_markup is None  # Telegram echoes only inline keyboards
    (view,) = server.bot_messages(CHAT)
    assert view.button_texts == ["one", "two", "three"]


async def test_tap_answer_and_edit_round_trip(server: FakeTelegram, bot: Bot) -> None:
    server.user_sends(CHAT, "/menu")
    menu = await bot.send_message(CHAT, "Menu", reply_markup=keyboard("open"))
    updates = await bot.get_updates()
    query_id = server.user_taps(CHAT, menu.message_id, "open")
    (update,) = await bot.get_updates(offset=updates[-1].update_id + 1)
    query = update.callback_query
    assert query is not None and query.id == query_id and query.data == "open"
    assert query.message is not None and query.message.message_id == menu.message_id
    assert query.api_kwargs == {}

    assert await query.answer("Opening…")
    edited = await bot.edit_message_text(
        "Step 1", chat_id=CHAT, message_id=menu.message_id, reply_markup=keyboard("next")
    )
    assert isinstance(edited, type(menu)) and edited.edit_date is not None
    assert server.answered_callbacks[query_id]["text"] == "Opening…"
    (view,) = server.bot_messages(CHAT)
    assert (view.text, view.callback_data, view.edit_count) == ("Step 1", ["next"], 1)

    await bot.edit_message_reply_markup(CHAT, menu.message_id, reply_markup=None)
    assert server.bot_messages(CHAT)[0].reply_markup is None


async def test_edit_with_same_text_but_other_markup_is_a_change(
    server: FakeTelegram, bot: Bot
) -> None:
    server.user_sends(CHAT, "x")
    sent = await bot.send_message(CHAT, "Same", reply_markup=keyboard("a"))
    # Leaving reply_markup out removes the keyboard: a real change.
    await bot.edit_message_text("Same", chat_id=CHAT, message_id=sent.message_id)
    assert server.bot_messages(CHAT)[0].reply_markup is None


async def test_tap_on_vanished_message_is_inaccessible(server: FakeTelegram, bot: Bot) -> None:
    server.user_sends(CHAT, "x")
    server.user_taps(CHAT, 99, "stale")
    update = (await bot.get_updates())[-1]
    assert update.callback_query is not None and update.callback_query.message is not None
    assert update.callback_query.message.date.timestamp() == 0  # InaccessibleMessage


async def test_commands_per_scope_and_language(server: FakeTelegram, bot: Bot) -> None:
    server.user_sends(CHAT, "x")
    english = [BotCommand("start", "Start"), BotCommand("help", "Help")]
    russian = [BotCommand("start", "Начать")]
    assert await bot.set_my_commands(english)
    assert await bot.set_my_commands(russian, scope=BotCommandScopeChat(CHAT), language_code="ru")
    assert await bot.get_my_commands() == tuple(english)
    chat_scope = BotCommandScopeChat(CHAT)
    assert await bot.get_my_commands(scope=chat_scope, language_code="ru") == tuple(russian)
    assert await bot.get_my_commands(language_code="ru") == ()
    assert server.commands_for(ScopeKey("chat", CHAT), "ru") == [
        {"command": "start", "description": "Начать"}
    ]
    assert await bot.delete_my_commands(scope=BotCommandScopeDefault())
    assert server.commands_for() is None


async def test_chat_action_menu_button_webhook_info_close(server: FakeTelegram, bot: Bot) -> None:
    server.user_sends(CHAT, "x")
    assert await bot.send_chat_action(CHAT, "typing")
    assert await bot.set_chat_menu_button(CHAT, MenuButtonCommands())
    assert await bot.set_chat_menu_button()
    info = await bot.get_webhook_info()
    assert info.url == "" and info.pending_update_count == 1
    assert await bot.delete_webhook(drop_pending_updates=True)
    assert server.pending_updates == []
    assert server.chat_actions == [(CHAT, "typing")]
    assert server.menu_buttons == {CHAT: {"type": "commands"}, None: {"type": "default"}}
    assert await bot.close() and await bot.log_out()


async def test_calls_are_recorded_decoded(server: FakeTelegram, bot: Bot) -> None:
    server.user_sends(CHAT, "x")
    await bot.send_message(CHAT, "hello", disable_notification=True)
    method, params = server.calls[-1]
    assert method == "sendMessage"
    assert params == {"chat_id": CHAT, "text": "hello", "disable_notification": True}


async def test_raw_update_kinds_reach_ptb(server: FakeTelegram, bot: Bot) -> None:
    server.user_sends(CHAT, "hi")
    user = {"id": 7, "is_bot": False, "first_name": "U"}
    edited = {**server.history(CHAT)[0], "text": "hi!", "edit_date": 1}
    server.add_raw_update({"edited_message": edited})
    server.add_raw_update({"inline_query": {"id": "9", "from": user, "query": "q", "offset": ""}})
    kinds = [Update.de_json(u.to_dict(), bot).effective_message for u in await bot.get_updates()]
    assert kinds[1] is not None and kinds[1].text == "hi!"
    assert kinds[2] is None  # the inline query has no message
