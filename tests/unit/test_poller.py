"""The poller against the local Bot API server: confirm only after handling, set aside a slow
update, ride out a failing getUpdates. Pauses go through a stepped clock, never a real wait."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from telegram import Bot, Update
from telegram.error import InvalidToken

from bot.storage import SqliteStorage
from bot.telegram.inbound import Poller
from bot.telegram.inbound.polling import BATCH_LIMIT
from bot.telegram.outbound.retries import FIRST_POLL_BACKOFF, MAX_POLL_BACKOFF
from tests.fake_telegram import FakeTelegram
from tests.unit.clocks import Clock


class Handling:
    """Stands in for handle-then-confirm: records each update; `hold` keeps one in progress."""

    def __init__(self, storage: SqliteStorage) -> None:
        self.storage = storage
        self.handled: list[int] = []
        self.held: dict[int, asyncio.Event] = {}

    def hold(self, update_id: int) -> asyncio.Event:
        self.held[update_id] = asyncio.Event()
        return self.held[update_id]

    async def __call__(self, update: Update) -> None:
        if update.update_id in self.held:
            await self.held[update.update_id].wait()
        self.handled.append(update.update_id)
        await self.storage.journal.mark_handled(update.update_id)




@pytest.fixture
async def bot(server: FakeTelegram) -> AsyncIterator[Bot]:
    async with Bot(server.token, base_url=server.api_base_url) as telegram_bot:
        yield telegram_bot




@pytest.fixture
def handling(storage: SqliteStorage) -> Handling:
    return Handling(storage)




def poller_for(bot: Bot, storage: SqliteStorage, handling: Handling, clock: Clock,
               **options: float) -> Poller:
    return Poller(bot, storage.journal, handling, allowed_updates=["message"],
                  long_poll_seconds=1, sleep=clock.sleep, **options)


def ids(server: FakeTelegram) -> list[int]:
    return [u["update_id"] for u in server.pending_updates]


async def test_an_update_is_confirmed_only_once_handled(
        server: FakeTelegram, bot: Bot, storage: SqliteStorage, handling: Handling,
        clock: Clock) -> None:
    server.user_sends(1, "first")
    first = ids(server)[0]
    release = handling.hold(first)
    poller = poller_for(bot, storage, handling, clock)
    await poller.start()
    await server.wait_for(lambda: sum(c.method == "getUpdates" for c in server.calls) >= 3)
    assert ids(server) == [first], "fetched again and again, but never confirmed"
    assert handling.handled == []
    release.set()
    await server.wait_for(lambda: not server.pending_updates)
    assert handling.handled == [first], "handled once, however often it was fetched"
    await poller.stop()


async def test_a_slow_update_is_set_aside_so_a_full_batch_behind_it_is_fetched(
        server: FakeTelegram, bot: Bot, storage: SqliteStorage, handling: Handling,
        clock: Clock) -> None:
    server.user_sends(1, "slow")
    slow = ids(server)[0]
    release = handling.hold(slow)
    for chat in range(2, BATCH_LIMIT + 30):
        server.user_sends(chat, "quick")
    poller = poller_for(bot, storage, handling, clock)
    await poller.start()
    await server.wait_for(lambda: len(handling.handled) == BATCH_LIMIT + 28)
    assert slow not in handling.handled
    assert [u["update_id"] for u in await storage.journal.set_aside_updates()] == [slow]
    release.set()
    await server.wait_for(lambda: slow in handling.handled)
    await poller.stop()
    assert await storage.journal.set_aside_updates() == []


async def test_a_restart_handles_what_was_set_aside_first(
        server: FakeTelegram, bot: Bot, storage: SqliteStorage, handling: Handling,
        clock: Clock) -> None:
    await storage.journal.set_aside(7, Update(7).to_dict())
    server.user_sends(1, "new")
    poller = poller_for(bot, storage, handling, clock)
    await poller.start()
    await server.wait_for(lambda: len(handling.handled) == 2)
    assert handling.handled[0] == 7
    await poller.stop()


async def test_a_failing_get_updates_is_retried_with_growing_capped_pauses(
        server: FakeTelegram, bot: Bot, storage: SqliteStorage, handling: Handling,
        clock: Clock) -> None:
    server.faults.inject("502", "getUpdates", times=12)
    server.user_sends(1, "after the outage")
    poller = poller_for(bot, storage, handling, clock)
    await poller.start()
    await server.wait_for(lambda: len(handling.handled) > 0)
    await poller.stop()
    assert len(clock.slept) == 12
    ceilings = [min(MAX_POLL_BACKOFF, FIRST_POLL_BACKOFF * 2 ** n) for n in range(1, 13)]
    assert all(0 <= p <= c for p, c in zip(clock.slept, ceilings, strict=True)), clock.slept


async def test_a_rejected_token_ends_the_poller(
        server: FakeTelegram, storage: SqliteStorage, handling: Handling, clock: Clock) -> None:
    wrong = Bot("654321:not-this-bot", base_url=server.api_base_url)
    poller = poller_for(wrong, storage, handling, clock)
    await poller.start()
    with pytest.raises(InvalidToken):
        await poller.wait()
    await wrong.shutdown()
    server.rejections.clear()  # "Unauthorized": the refusal this test asked for


async def test_stopping_leaves_what_is_unfinished_unconfirmed(
        server: FakeTelegram, bot: Bot, storage: SqliteStorage, handling: Handling,
        clock: Clock) -> None:
    server.user_sends(1, "done")
    server.user_sends(2, "never finishes")
    done, stuck = ids(server)
    handling.hold(stuck)
    poller = poller_for(bot, storage, handling, clock, drain_seconds=0)
    await poller.start()
    await server.wait_for(lambda: handling.handled == [done])
    await poller.stop()
    assert ids(server) == [stuck], "kept by Telegram for the next start"
