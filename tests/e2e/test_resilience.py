"""The bot under a misbehaving Telegram: errors, throttling, outages, floods, fast taps."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.cli.startup import Loaded
from bot.storage.sqlite import DATABASE_NAME
from bot.telegram.inbound import BURST
from bot.telegram.persistence_marks import PERSISTENCE_MARKS
from tests.e2e.conftest import RunningBot, User
from tests.fake_telegram import FakeTelegram

# Five questions whose answers are told apart by their titles, asked in this order.
QUESTIONS = {
    "which battery does the key fob take": "faq-fob-battery",
    "how do i use the hands free kick sensor": "hands-free",
    "where is the emergency release inside the boot": "interior-release",
    "tailgate opens but will not close": "faq-wont-close",
    "differences between j10 j11 and j12": "generations",
}


@pytest.fixture
async def fast_bot(server: FakeTelegram, loaded: Loaded, tmp_path: Path
                   ) -> AsyncIterator[RunningBot]:
    """Sending limit raised so the tests measure faults, not Telegram's 30 messages/s."""
    bot = RunningBot(server, loaded, tmp_path / "data", max_sends_per_second=1000)
    await bot.start()
    yield bot
    await bot.stop()


async def all_confirmed(server: FakeTelegram, timeout: float = 30) -> None:
    """Every update handled to the end, retries included, and confirmed to Telegram: a
    duplicate reply, if the bot were to send one, has been sent by now."""
    await server.wait_for(lambda: not server.pending_updates, timeout=timeout)


def titles_in_order(server: FakeTelegram, chat_id: int, loaded: Loaded) -> list[str]:
    by_title = {loaded.knowledge.entry(i).title.in_("en"): i for i in QUESTIONS.values()}
    found = []
    for message in server.bot_messages(chat_id):
        first_line = message.text.split("\n", 1)[0]
        found.append(by_title.get(first_line, f"unexpected: {first_line}"))
    return found


async def test_every_message_gets_exactly_one_reply_in_order_under_20_percent_faults(
    server: FakeTelegram, fast_bot: RunningBot, loaded: Loaded
) -> None:
    server.faults.seed(7)
    server.faults.kinds = ["500", "502", "drop", "429", "slow"]
    server.faults.methods = {"sendMessage"}
    server.faults.retry_after = 1
    server.faults.slow_seconds = 0.3
    server.faults.rate = 0.2
    chats = range(5000, 5060)
    for question in QUESTIONS:
        for chat_id in chats:
            server.user_sends(chat_id, question)

    def all_answered() -> bool:
        return all(len(server.bot_messages(c)) >= len(QUESTIONS) for c in chats)

    await server.wait_for(all_answered, timeout=90)
    await all_confirmed(server)
    expected = list(QUESTIONS.values())
    for chat_id in chats:
        assert titles_in_order(server, chat_id, loaded) == expected, chat_id
    assert len(server.faults.injected) > 30, "the faults really happened"
    assert fast_bot.bot.receiver is not None and fast_bot.application is not None
    assert fast_bot.application.running


async def test_telegram_outage_on_get_updates_is_ridden_out(
    server: FakeTelegram, fast_bot: RunningBot
) -> None:
    server.faults.fail_get_updates_for(3.0)
    server.user_sends(6001, "which battery does the key fob take")
    # The poller backs off (0.5 s, 1 s, 2 s... with jitter) while getUpdates fails.
    reply = await server.wait_for_bot_message(6001, timeout=20)
    assert "CR2032" in reply.text


async def test_a_flooding_chat_gets_one_slow_down_and_others_are_served(
    server: FakeTelegram, fast_bot: RunningBot
) -> None:
    flooder, bystander = 7001, 7002
    for n in range(100):
        server.user_sends(flooder, f"boot wont open {n}")
    server.user_sends(bystander, "which battery does the key fob take")
    reply = await server.wait_for_bot_message(bystander, timeout=10)
    assert "CR2032" in reply.text
    await all_confirmed(server)
    texts = [m.text for m in server.bot_messages(flooder)]
    slow_downs = [t for t in texts if "lot of messages" in t]
    assert len(slow_downs) == 1
    assert len(texts) <= BURST + 1 + 2  # the burst, one warning, a little refill meanwhile


async def test_fast_taps_in_one_chat_leave_state_and_screen_in_agreement(
    server: FakeTelegram, fast_bot: RunningBot
) -> None:
    user = User(server, chat_id=8001)
    (step1,) = await user.send("🔘 Opener above the plate")
    data = {b["text"]: b["callback_data"] for row in step1.buttons for b in row}
    nxt = data["Next ▶️"]
    for _ in range(3):  # a user drumming on Next: each tap sees the previous one's state
        server.user_taps(user.chat_id, step1.message_id, nxt)
    await server.wait_for(lambda: not server.pending_updates, timeout=10)
    (menu,) = await user.send("/menu")  # handled after the taps: one chat, in order
    assert menu.text
    assert fast_bot.store is not None
    state = await fast_bot.store.chats.load(user.chat_id)
    shown = next(m for m in server.bot_messages(user.chat_id)
                 if m.message_id == step1.message_id)
    assert state.way == "lid-button"
    assert f"step {state.step + 1} of" in shown.text
    # Taps two and three asked for the screen tap one had just shown. Telegram answers such
    # an edit "message is not modified", as the test server did; the bot takes it as done.
    not_modified = [r for r in server.rejections if "not modified" in r.description]
    assert len(not_modified) == len(server.rejections) <= 2
    server.rejections.clear()


async def test_one_slow_reply_does_not_hold_back_a_full_batch_of_others(
    server: FakeTelegram, fast_bot: RunningBot
) -> None:
    """Telegram returns at most 100 updates from the offset; a slow update at the offset
    must not keep the 101st chat waiting for it."""
    server.faults.slow_seconds = 4.0  # under the 5 s read timeout: no retry, one reply
    server.faults.inject("slow", "sendMessage", times=1)
    server.user_sends(6100, "which battery does the key fob take")
    await server.wait_for(lambda: len(server.faults.injected) > 0, timeout=5)
    others = range(6200, 6350)
    for chat_id in others:
        server.user_sends(chat_id, "which battery does the key fob take")
    await server.wait_for(lambda: all(server.bot_messages(c) for c in others), timeout=10)
    assert server.bot_messages(6100) == [], "the slow reply is still on its way"
    await server.wait_for_bot_message(6100, timeout=10)


async def test_memory_does_not_keep_every_chat_seen(server: FakeTelegram,
                                                    fast_bot: RunningBot) -> None:
    """State lives in SQLite: after many chats, nothing in the process holds one per chat."""
    chats = range(20_000, 20_300)
    for chat_id in chats:
        server.user_sends(chat_id, "/menu")
    await server.wait_for(lambda: all(server.bot_messages(c) for c in chats), timeout=30)
    application = fast_bot.application
    assert application is not None
    assert len(application.chat_data) == 0 and len(application.user_data) == 0
    assert all(len(getattr(application, marks)) == 0 for marks in PERSISTENCE_MARKS)
    database = fast_bot.settings.data_dir / DATABASE_NAME
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT COUNT(*) FROM chat_state").fetchone()[0] >= len(chats)


async def test_a_reply_telegram_kept_refusing_is_sent_once_it_recovers(
    server: FakeTelegram, loaded: Loaded, tmp_path: Path
) -> None:
    """Past the rate limiter's retries the reply is tried again after a pause (holding the
    update unconfirmed meanwhile), and the owner gets exactly one answer."""
    bot = RunningBot(server, loaded, tmp_path / "data", max_sends_per_second=1000,
                     send_retries=1)
    await bot.start()
    try:
        server.faults.kinds = ["502"]
        server.faults.methods = {"sendMessage"}
        server.faults.rate = 1.0
        server.user_sends(6500, "which battery does the key fob take")
        await server.wait_for(lambda: len(server.faults.injected) >= 2, timeout=5)
        server.faults.clear()  # Telegram is back
        reply = await server.wait_for_bot_message(6500, timeout=10)
        assert "CR2032" in reply.text
        await all_confirmed(server)
        assert len(server.bot_messages(6500)) == 1
    finally:
        await bot.stop()
