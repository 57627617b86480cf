"""Updates the bot never asked for or cannot expect, through the real bot and the local Bot API
server: other update kinds, groups and channels, messages without text, callback queries
without a message or without data, a burst of taps, and junk commands.

The bot must not fail on any of them (nothing logged at ERROR), must send nothing Telegram would
reject (the `server` fixture checks `rejections` at teardown), must not talk in groups or
channels, and afterwards must still answer a plain "/start" in a private chat.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

import pytest

from bot.cli.startup import Loaded
from bot.dialog.callback_data import Action
from bot.dialog.state import ChatState
from tests.e2e.conftest import RunningBot, User, button_data
from tests.fake_telegram import FakeTelegram
from tests.fake_telegram.state import CallbackRecord
from tests.fake_telegram.views import BotMessageView

CHAT = 1001  # the `user` fixture's private chat
GROUP = -4_000_000_555
SUPERGROUP = -1_001_234_567_890
CHANNEL = -1_009_876_543_210
MISSING_MESSAGE_ID = 987_654
RAW_MESSAGE_ID = 50_000  # raw updates carry ids the fake did not allocate; far above its own


def _now() -> int:
    return int(time.time())


def _person(user_id: int = CHAT, language_code: str | None = "en") -> dict[str, Any]:
    person: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": "Test"}
    if language_code:
        person["language_code"] = language_code
    return person


def _private() -> dict[str, Any]:
    return {"id": CHAT, "type": "private", "first_name": "Test"}


def _channel() -> dict[str, Any]:
    return {"id": CHANNEL, "type": "channel", "title": "Qashqai news"}


def _group() -> dict[str, Any]:
    return {"id": GROUP, "type": "group", "title": "Qashqai owners"}


def _message(chat: dict[str, Any], **content: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"message_id": RAW_MESSAGE_ID, "date": _now(), "chat": chat}
    if chat["type"] == "channel":
        body["sender_chat"] = chat
    else:
        body["from"] = _person()
    body.update(content)
    return body


def _member_change(chat: dict[str, Any], bot: dict[str, Any], old: str, new: str
                   ) -> dict[str, Any]:
    return {"chat": chat, "from": _person(), "date": _now(),
            "old_chat_member": {"user": bot, "status": old},
            "new_chat_member": {"user": bot, "status": new}}


def _register_query(server: FakeTelegram, query_id: str, message_id: int, data: str) -> None:
    """Make a raw callback query answerable, as Telegram would for any query it delivered."""
    server.world.callbacks[query_id] = CallbackRecord(query_id, CHAT, message_id, data,
                                                      time.monotonic())


# Update kinds a private-chat bot does not ask for (allowed_updates filters most of them).
UNWANTED: dict[str, Callable[[FakeTelegram], dict[str, Any]]] = {
    "edited_message": lambda s: {"edited_message": _message(
        _private(), text="/reset edited into a command", edit_date=_now())},
    "channel_post": lambda s: {"channel_post": _message(_channel(), text="/start trunk")},
    "edited_channel_post": lambda s: {"edited_channel_post": _message(
        _channel(), text="trunk won't open", edit_date=_now())},
    "my_chat_member": lambda s: {"my_chat_member": _member_change(
        _group(), s.bot_user, "left", "member")},
    "my_chat_member_blocked": lambda s: {"my_chat_member": _member_change(
        _private(), s.bot_user, "member", "kicked") | {
            "new_chat_member": {"user": s.bot_user, "status": "kicked", "until_date": 0}}},
    "chat_member": lambda s: {"chat_member": _member_change(
        _group(), _person(2002), "left", "member")},
}  # inline queries are answered since issue 9: tests/e2e/test_sharing.py


@pytest.fixture
def errors(caplog: pytest.LogCaptureFixture) -> Callable[[], list[str]]:
    """Everything logged at ERROR or above: a handler that raised, a poller that failed."""
    caplog.set_level(logging.WARNING)

    def logged() -> list[str]:
        return [f"{r.name}: {r.getMessage()} {r.exc_text or ''}" for r in caplog.records
                if r.levelno >= logging.ERROR]

    return logged


async def _settled(server: FakeTelegram) -> None:
    """The bot has fetched and confirmed every update queued so far."""
    await server.wait_for(lambda: not server.pending_updates)


async def _still_answers_start(server: FakeTelegram, loaded: Loaded, chat_id: int = CHAT
                               ) -> None:
    server.user_sends(chat_id, "/start", language_code="en")
    greeting, menu = await server.wait_for_bot_messages(chat_id, 2)
    greetings = [loaded.knowledge.ui("greeting", language)[:40] for language in ("en", "ru")]
    assert any(g in (greeting.text or "") for g in greetings), greeting.text
    assert menu.buttons, "the main menu comes with its buttons"


def _last_id(server: FakeTelegram, chat_id: int) -> int:
    return max((m["message_id"] for m in server.history(chat_id)), default=0)


def _callback_data(loaded: Loaded, action: Action, *args: str | int) -> str:
    return loaded.conversation.kit.codec.pack(action, *args)


def _force_delivery_of_every_kind(server: FakeTelegram, monkeypatch: pytest.MonkeyPatch
                                  ) -> None:
    """Telegram applies a new allowed_updates only to updates created after it: a bot that
    once polled without the filter still gets the kinds it now excludes. Simulate that."""
    server.queue.set_allowed([])  # back to Telegram's default set
    monkeypatch.setattr(server.queue, "set_allowed", lambda allowed: None)


# -- update kinds the bot does not handle ------------------------------------------------------


@pytest.mark.parametrize("forced", [False, True], ids=["filtered", "delivered-anyway"])
@pytest.mark.parametrize("kind", list(UNWANTED))
async def test_unwanted_update_kinds_are_ignored_quietly(
        kind: str, forced: bool, server: FakeTelegram, running_bot: RunningBot, user: User,
        loaded: Loaded, errors: Callable[[], list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    await user.send("/start", count=2)  # the private chat exists; the bot has polled
    if forced:
        _force_delivery_of_every_kind(server, monkeypatch)
    before = len(server.bot_messages(CHAT))
    update_id = server.add_raw_update(UNWANTED[kind](server))
    # Unforced, allowed_updates may filter it out (update_id None): fine, as on Telegram.
    if forced and kind != "chat_member":  # chat_member comes only when asked for by name
        assert update_id is not None, "the bot really gets this one"
    await _settled(server)
    await _still_answers_start(server, loaded)
    assert len(server.bot_messages(CHAT)) == before + 2, "only /start was answered"
    for elsewhere in (GROUP, CHANNEL):
        assert server.bot_messages(elsewhere) == []
    assert not any(c.method == "answerInlineQuery" for c in server.calls)
    assert errors() == []


# -- messages the bot does receive but should not (or cannot) answer as text ------------------


@pytest.mark.parametrize("chat_id", [GROUP, SUPERGROUP], ids=["group", "supergroup"])
@pytest.mark.parametrize("text", ["how do I open the trunk", "/start", "/start@fake_test_bot",
                                  "<b>&amp;</b> \u202e\u200b 🔑"])
async def test_group_messages_get_no_answer(chat_id: int, text: str, server: FakeTelegram,
                                            running_bot: RunningBot, loaded: Loaded,
                                            errors: Callable[[], list[str]]) -> None:
    server.user_sends(chat_id, text, language_code="en")
    await _settled(server)
    await _still_answers_start(server, loaded)
    await _settled(server)
    assert server.bot_messages(chat_id) == [], "the bot speaks in private chats only"
    assert errors() == []


@pytest.mark.parametrize("chat", [_group(), _channel()], ids=["group", "channel"])
async def test_taps_from_groups_get_no_answer(chat: dict[str, Any], server: FakeTelegram,
                                              running_bot: RunningBot, loaded: Loaded,
                                              errors: Callable[[], list[str]]) -> None:
    """A button on a message in a group (forged: the bot never writes there) is ignored as a
    group's messages are: no answer, no edit, no message, nothing remembered."""
    server.add_chat(chat["id"], chat_type=chat["type"], title=chat["title"])
    data = _callback_data(loaded, Action.VIEW, "ways")
    server.world.callbacks["880010"] = CallbackRecord("880010", chat["id"], RAW_MESSAGE_ID,
                                                      data, time.monotonic())
    message = {"message_id": RAW_MESSAGE_ID, "date": _now(), "chat": chat,
               "from": server.bot_user, "text": "Menu"}
    server.add_raw_update({"callback_query": {
        "id": "880010", "from": _person(), "message": message, "chat_instance": "-77",
        "data": data}})
    await _settled(server)
    await _still_answers_start(server, loaded)
    assert "880010" not in server.answered_callbacks
    assert not [c for c in server.calls if c.params.get("chat_id") == chat["id"]]
    assert running_bot.store is not None
    assert await running_bot.store.chats.load(chat["id"]) == ChatState()
    assert errors() == []


@pytest.mark.parametrize("content", [
    {"caption": "look at my trunk", "photo": [
        {"file_id": "p1", "file_unique_id": "up1", "width": 90, "height": 67}]},
    {"caption": "<b>only a caption</b> &amp; nothing else"},
    {"caption": ""},
    {},
    {"text": ""},
], ids=["photo-with-caption", "caption-only", "empty-caption", "no-content", "empty-text"])
async def test_a_private_message_without_text_gets_a_sensible_answer(
        content: dict[str, Any], server: FakeTelegram, running_bot: RunningBot, user: User,
        loaded: Loaded, errors: Callable[[], list[str]]) -> None:
    await user.send("/start", count=2)
    after = _last_id(server, CHAT)
    server.add_raw_update({"message": _message(_private(), **content)})
    answer = await server.wait_for_bot_message(CHAT, after_message_id=after)
    assert answer.text, "a visible answer"
    assert answer.buttons, "with the main menu to go on from"
    expected = [loaded.knowledge.ui(key, "en")[:30] for key in ("unsupported", "unrelated")]
    assert any(e in answer.text for e in expected), answer.text
    await _still_answers_start(server, loaded)
    assert errors() == []


# -- callback queries that are not what they seem ---------------------------------------------


async def _tap_gone_message(server: FakeTelegram, user: User, loaded: Loaded
                            ) -> BotMessageView:
    await user.send("/start", count=2)
    after = _last_id(server, CHAT)
    ways = _callback_data(loaded, Action.VIEW, "ways")
    query_id = server.user_taps(CHAT, MISSING_MESSAGE_ID, ways)
    await server.wait_for_callback_answer(query_id)
    return await server.wait_for_bot_message(CHAT, after_message_id=after)


async def test_tap_on_a_message_that_is_gone_answers_with_a_new_message(
        server: FakeTelegram, running_bot: RunningBot, user: User, loaded: Loaded,
        errors: Callable[[], list[str]]) -> None:
    """The message is inaccessible (date 0): nothing to edit, so the answer is sent anew."""
    answer = await _tap_gone_message(server, user, loaded)
    assert loaded.knowledge.ui("ways_title", "en") in (answer.text or "")
    assert answer.buttons
    await _still_answers_start(server, loaded)
    assert errors() == []


async def test_tap_on_a_message_that_is_gone_tries_no_edit(
        server: FakeTelegram, running_bot: RunningBot, user: User, loaded: Loaded) -> None:
    await _tap_gone_message(server, user, loaded)
    await _settled(server)
    tried = [c.params.get("message_id") for c in server.calls if c.method == "editMessageText"]
    assert tried == [] and server.rejections == []


async def test_tap_from_an_inline_message_without_a_chat(
        server: FakeTelegram, running_bot: RunningBot, user: User, loaded: Loaded,
        errors: Callable[[], list[str]]) -> None:
    """No `message`, only inline_message_id: the spinner stops and nothing else happens."""
    await user.send("/start", count=2)
    before = len(server.bot_messages(CHAT))
    data = _callback_data(loaded, Action.VIEW, "menu")
    _register_query(server, "880001", 0, data)
    server.add_raw_update({"callback_query": {
        "id": "880001", "from": _person(), "chat_instance": "-42",
        "inline_message_id": "AAAAAinline", "data": data}})
    await server.wait_for_callback_answer("880001")
    await _settled(server)
    await _still_answers_start(server, loaded)
    assert len(server.bot_messages(CHAT)) == before + 2
    assert errors() == []


@pytest.mark.parametrize("payload", [
    {"game_short_name": "trunk_game"},
    {"data": ""},
    {"data": "x" * 64},
    {"data": "\u202e\u200b<b>&amp;"},
], ids=["game-no-data", "empty-data", "64-bytes-junk", "rtl-html-junk"])
async def test_tap_with_no_or_junk_data_shows_the_current_menu(
        payload: dict[str, str], server: FakeTelegram, running_bot: RunningBot, user: User,
        loaded: Loaded, errors: Callable[[], list[str]]) -> None:
    _, menu = await user.send("/start", count=2)
    [tapped] = [m for m in server.history(CHAT) if m["message_id"] == menu.message_id]
    _register_query(server, "880002", menu.message_id, payload.get("data", ""))
    server.add_raw_update({"callback_query": {
        "id": "880002", "from": _person(), "message": tapped, "chat_instance": "7919",
        **payload}})
    await server.wait_for_callback_answer("880002")
    shown = await server.wait_for(lambda: _changed_or_new(server, menu))
    assert loaded.knowledge.ui("stale_button", "en") in (shown.text or "")
    assert shown.buttons
    await _still_answers_start(server, loaded)
    assert errors() == []


def _changed_or_new(server: FakeTelegram, message: BotMessageView) -> BotMessageView | None:
    now = server.bot_messages(message.chat_id)
    newer = [m for m in now if m.message_id > message.message_id]
    if newer:
        return newer[-1]
    current = next(m for m in now if m.message_id == message.message_id)
    return current if current.edit_count > message.edit_count else None


# -- a burst of taps ---------------------------------------------------------------------------


async def _burst(server: FakeTelegram, user: User, loaded: Loaded, taps: int
                 ) -> tuple[BotMessageView, list[str]]:
    _, menu = await user.send("/start", count=2)
    data = button_data(menu, loaded.knowledge.ui("button_ways", "en"))
    query_ids = [server.user_taps(CHAT, menu.message_id, data) for _ in range(taps)]
    for query_id in query_ids:
        await server.wait_for_callback_answer(query_id)
    await _settled(server)
    return menu, query_ids


async def test_a_burst_of_taps_on_one_button(
        server: FakeTelegram, running_bot: RunningBot, user: User, loaded: Loaded,
        errors: Callable[[], list[str]]) -> None:
    """20 fast taps on "Ways to open": every spinner stops, the message shows that screen,
    the chat gets at most one extra message (a "slow down"), and the bot recovers."""
    menu, query_ids = await _burst(server, user, loaded, 20)
    assert set(query_ids) <= set(server.answered_callbacks)
    messages = server.bot_messages(CHAT)
    current = next(m for m in messages if m.message_id == menu.message_id)
    assert loaded.knowledge.ui("ways_title", "en") in (current.text or "")
    assert len([m for m in messages if m.message_id > menu.message_id]) <= 1
    await asyncio.sleep(2.0)  # a pause refills the per-chat flood brake
    await _still_answers_start(server, loaded)
    assert errors() == []


async def test_a_burst_of_taps_sends_no_edit_telegram_rejects(
        server: FakeTelegram, running_bot: RunningBot, user: User, loaded: Loaded) -> None:
    await _burst(server, user, loaded, 20)
    assert server.rejections == []


# -- junk commands -----------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "count", "key"), [
    ("/start@otherbot x y", 2, "greeting"),
    ("/start@fake_test_bot", 2, "greeting"),
    ("/UNKNOWN", 1, "help"),
    ("/UNKNOWN@otherbot arg", 1, "help"),
    ("/", 1, "unrelated"),
    ("/ /", 1, "unrelated"),
    ("/menu " + "я" * 5000, 1, "main_menu"),
    ("/menu " + "<b>&amp;\u202e\u200b" * 500, 1, "main_menu"),
    ("/language xx", 2, "language_switched"),
    ("/help\u200b", 1, "help"),
    ("/" + "a" * 64, 1, "help"),
], ids=["start-other-bot", "start-this-bot", "unknown", "unknown-other-bot", "slash",
        "slash-space-slash", "menu-5000", "menu-html-junk", "language-junk", "zero-width",
        "long-name"])
async def test_junk_commands_get_a_sensible_answer(
        text: str, count: int, key: str | None, server: FakeTelegram,
        running_bot: RunningBot, user: User, loaded: Loaded,
        errors: Callable[[], list[str]]) -> None:
    answers = await user.send(text, count=count)
    await _settled(server)
    assert len(server.bot_messages(CHAT)) == count, "exactly the expected answer"
    shown = "\n".join(a.text or "" for a in answers)
    if key is not None:
        expected = {loaded.knowledge.ui(key, language)[:30] for language in ("en", "ru")}
        assert any(e in shown for e in expected), shown
    assert any(a.buttons or (a.reply_markup or {}).get("keyboard") for a in answers)
    await _still_answers_start(server, loaded)
    assert errors() == []


# -- forged button data ------------------------------------------------------------------------


@pytest.mark.parametrize("forge", [
    lambda d: d[:-1], lambda d: d + ":x", lambda d: d.upper(), lambda d: "0" + d[1:],
    lambda d: d.replace(":s:", ":y:"), lambda d: d[:-1] + "99999999999999999999",
    lambda d: d[:-1] + "-1", lambda d: d[:-1] + "٣",
], ids=["cut", "extra-arg", "upper", "other-format", "other-action", "huge-step",
        "negative-step", "arabic-indic-digit"])
async def test_forged_step_buttons_get_a_menu_not_an_error(
        forge: Callable[[str], str], server: FakeTelegram, running_bot: RunningBot,
        user: User, loaded: Loaded, errors: Callable[[], list[str]]) -> None:
    _, menu = await user.send("/start", count=2)
    data = forge(_callback_data(loaded, Action.WALK, "lid-button", 0))
    shown = await user.tap_data(menu, data)
    assert shown.text and shown.buttons
    await _still_answers_start(server, loaded)
    assert errors() == []


async def test_forged_step_button_with_a_superscript_digit(
        server: FakeTelegram, running_bot: RunningBot, user: User, loaded: Loaded,
        errors: Callable[[], list[str]]) -> None:
    _, menu = await user.send("/start", count=2)
    data = _callback_data(loaded, Action.WALK, "lid-button", 0)[:-1] + "²"
    shown = await user.tap_data(menu, data)
    await _settled(server)
    assert errors() == []
    assert loaded.knowledge.ui("stale_button", "en") in (shown.text or "")
