"""A chat's turn (bot/delivery/chat_turn.py) against the local Bot API server: state in and
out, and replies that Telegram keeps failing tried again without being sent twice."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot

from bot.delivery.chat_turn import ChatTurns
from bot.dialog import Command, Conversation
from bot.storage import SqliteStorage
from bot.telegram_layer.replies import ReplySender
from tests.fake_telegram import FakeTelegram
from tests.unit.clocks import Clock
from tests.unit.conftest import KNOWN_CHAT

CHAT = KNOWN_CHAT






@pytest.fixture
async def turns(server: FakeTelegram, storage: SqliteStorage, conversation: Conversation,
                clock: Clock) -> AsyncIterator[ChatTurns]:
    async with Bot(server.token, base_url=server.api_base_url) as bot:  # no retries of its own
        yield ChatTurns(conversation, storage.chats, ReplySender(bot), sleep=clock.sleep)




async def test_a_turn_shows_the_replies_and_keeps_the_state(
        server: FakeTelegram, turns: ChatTurns, storage: SqliteStorage) -> None:
    await turns.take_turn(CHAT, Command("language", "ru"))
    shown = len(server.bot_messages(CHAT))
    assert shown >= 1
    assert (await storage.chats.load(CHAT)).language == "ru"
    await turns.take_turn(CHAT, Command("language", "ru"))
    assert len(server.bot_messages(CHAT)) == 2 * shown, "the next turn starts from that state"
    assert (await storage.chats.load(CHAT)).language == "ru"


async def test_replies_telegram_keeps_failing_continue_from_the_first_not_shown(
        server: FakeTelegram, turns: ChatTurns, clock: Clock) -> None:
    server.faults.slow_seconds = 0
    server.faults.inject("slow", "sendMessage")  # the greeting gets through...
    server.faults.inject("502", "sendMessage", times=2)  # ...the menu twice does not
    await turns.take_turn(CHAT, Command("start"))
    greeting, menu = server.bot_messages(CHAT)
    assert greeting.text and menu.buttons, "each shown once, the menu after all"
    assert clock.slept == [2.0, 4.0], "after the redelivery pauses"
    assert [m for m, _ in server.faults.injected] == ["sendMessage"] * 3


async def test_a_reply_never_accepted_is_given_up_and_the_state_kept(
        server: FakeTelegram, turns: ChatTurns, storage: SqliteStorage, clock: Clock) -> None:
    server.faults.inject("502", "sendMessage", times=100)
    await turns.take_turn(CHAT, Command("language", "ru"))
    assert server.bot_messages(CHAT) == []
    assert clock.slept == [2.0, 4.0, 8.0]
    assert (await storage.chats.load(CHAT)).language == "ru"
