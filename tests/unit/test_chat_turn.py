"""A chat's turn (bot/telegram/wiring/chat_turn.py) against the local Bot API server, on each real
store: state in and out, replies that Telegram keeps failing tried again without being sent
twice, and /forget, whose "done" is said only once the deletion has happened."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from telegram import Chat as TelegramChat
from telegram import Message
from telegram.ext import ExtBot

from bot.dialog import ChatState, Command, Conversation
from bot.records import Recorder
from bot.storage import Storage
from bot.storage.interface import Comment
from bot.telegram.outbound import ReplySender, ShownScreens
from bot.telegram.wiring import DEFAULTS, ChatTurns
from tests.fake_telegram import FakeTelegram
from tests.storage_backends import Backend
from tests.unit.clocks import Clock
from tests.unit.conftest import KNOWN_CHAT

CHAT = KNOWN_CHAT
OTHER = KNOWN_CHAT + 1
TIED_TO_THE_CHAT = ("chat_state", "chat_activity", "feedback_comment", "feedback_rating",
                    "picture_file")


@pytest.fixture
def shown() -> ShownScreens:
    """What the sender remembers of the messages it edited."""
    return ShownScreens()


@pytest.fixture
async def turns(server: FakeTelegram, storage: Storage, conversation: Conversation,
                clock: Clock, shown: ShownScreens) -> AsyncIterator[ChatTurns]:
    """As the bot takes them: each turn recorded (bot/records) on the same store."""
    recorder = Recorder(storage, conversation.matcher, retention_days=90, clock=clock)
    # the Application's bot, its Defaults (HTML, no link previews) included; no retries of its own
    async with ExtBot(server.token, base_url=server.api_base_url, defaults=DEFAULTS) as bot:
        yield ChatTurns(conversation, storage, ReplySender(bot, shown), sleep=clock.sleep,
                        recorder=recorder)




async def test_a_turn_shows_the_replies_and_keeps_the_state(
        server: FakeTelegram, turns: ChatTurns, storage: Storage) -> None:
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
        server: FakeTelegram, turns: ChatTurns, storage: Storage, clock: Clock) -> None:
    server.faults.inject("502", "sendMessage", times=100)
    await turns.take_turn(CHAT, Command("language", "ru"))
    assert server.bot_messages(CHAT) == []
    assert clock.slept == [2.0, 4.0, 8.0]
    assert (await storage.chats.load(CHAT)).language == "ru"


async def a_chat_with_everything_kept(storage: Storage, clock: Clock, chat_id: int) -> None:
    await storage.chats.save(chat_id, ChatState(language="en", car="J11"))
    await storage.activity.seen(chat_id, clock.now)
    await storage.feedback.rate(chat_id, "answer.faq-fob-battery", "down", clock.now)
    await storage.feedback.comment(chat_id, Comment("answer.faq-fob-battery", "no cover",
                                                    "en", clock.now))
    await storage.pictures.remember(f"opener.{chat_id}", "file-1", chat_id)


async def test_forget_deletes_the_chat_even_when_recording_the_turn_fails(
        server: FakeTelegram, turns: ChatTurns, storage: Storage, backend: Backend,
        clock: Clock, shown: ShownScreens) -> None:
    for chat_id in (CHAT, OTHER):
        await a_chat_with_everything_kept(storage, clock, chat_id)
    shown.remember(Message(1, datetime.now(UTC), TelegramChat(CHAT, "private")), "menu")
    backend.drop_table("daily_tally")  # every turn's tallies now fail to be written
    await turns.take_turn(CHAT, Command("forget"))
    (done,) = server.bot_messages(CHAT)
    assert (done.text or "").startswith("Done: I've deleted everything")
    left = {table: backend.rows(table, chat_id=CHAT) for table in TIED_TO_THE_CHAT}
    assert left == dict.fromkeys(TIED_TO_THE_CHAT, 0)
    assert {table: backend.rows(table, chat_id=OTHER) for table in TIED_TO_THE_CHAT} == (
        dict.fromkeys(TIED_TO_THE_CHAT, 1)), "another chat's are kept"
    assert await storage.feedback.ratings() == {("answer.faq-fob-battery", "down"): 2}
    assert shown._shown == {}, "nor does this process remember the chat's messages"


async def test_forget_that_cannot_delete_says_nothing_was_deleted(
        server: FakeTelegram, turns: ChatTurns, storage: Storage, backend: Backend,
        clock: Clock) -> None:
    await a_chat_with_everything_kept(storage, clock, CHAT)
    backend.drop_table("feedback_comment")  # the deletion itself now fails
    with pytest.raises(Exception):  # noqa: B017 (the store's own error: on_error apologises)
        await turns.take_turn(CHAT, Command("forget"))
    assert server.bot_messages(CHAT) == [], "never told it is done"
    assert (await storage.chats.load(CHAT)).car == "J11", "nothing half deleted"
    assert backend.rows("chat_activity", chat_id=CHAT) == 1
