"""What is past its time goes at start-up and then every hour, on each store, also while
nobody writes to the bot: handled update ids after two days, unanswered questions after the
retention period. The hour passes on a clock stepped by hand."""

from __future__ import annotations

import asyncio

from bot.dialog import Conversation
from bot.records import DAY, Recorder
from bot.storage import Storage
from bot.storage.interface import RETENTION_SECONDS, UnansweredQuestion
from bot.telegram.wiring import Housekeeping
from bot.telegram.wiring.housekeeping import EVERY_SECONDS
from tests.unit.clocks import Clock


class Hours:
    """The housekeeper's sleep: each pause waits for the test to let an hour pass."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.paused = asyncio.Queue[float]()
        self._go = asyncio.Event()

    async def sleep(self, seconds: float) -> None:
        self.paused.put_nowait(seconds)  # the round before has finished
        await self._go.wait()
        self._go.clear()
        self.clock.advance(seconds)

    async def pass_one(self) -> None:
        self._go.set()
        await self.paused.get()


async def test_a_quiet_bot_forgets_old_update_ids_and_questions_at_start_and_hourly(
        storage: Storage, conversation: Conversation, clock: Clock) -> None:
    await storage.journal.mark_handled(1)
    await storage.unanswered.add(UnansweredQuestion("boot light", "en", "declined", (),
                                                    clock.now))
    clock.advance(RETENTION_SECONDS + 1)
    await storage.journal.mark_handled(2)
    hours = Hours(clock)
    housekeeping = Housekeeping(storage.journal, Recorder(
        storage, conversation.matcher, retention_days=90, clock=clock), sleep=hours.sleep)
    await housekeeping.start()
    try:
        assert not await storage.journal.is_handled(1), "gone before serving"
        assert await hours.paused.get() == EVERY_SECONDS
        clock.advance(RETENTION_SECONDS - EVERY_SECONDS / 2)  # update 2 will be old in 30 min
        await hours.pass_one()
        assert not await storage.journal.is_handled(2), "an hour later, with no update since"
        assert len(await storage.unanswered.since()) == 1
        clock.advance(90 * DAY)
        await hours.pass_one()
        assert await storage.unanswered.since() == []
    finally:
        await housekeeping.stop()
