"""Per-chat ordering, cross-chat concurrency, the flood brake and the heartbeat."""

from __future__ import annotations

import asyncio
import gc
from pathlib import Path

import pytest

from bot.delivery.chat_order import ChatOrder
from bot.delivery.flood_guard import BURST, FORGET_AFTER, WARN_AGAIN_AFTER, FloodGuard, Verdict
from bot.delivery.health import STALE_AFTER_SECONDS, Heartbeat, is_alive
from tests.unit.clocks import Clock


async def test_two_chats_run_at_the_same_time() -> None:
    """Chat A cannot finish until chat B has started: only concurrency lets both end."""
    order = ChatOrder()
    b_started = asyncio.Event()

    async def chat_a() -> None:
        async with order.turn(1):
            await asyncio.wait_for(b_started.wait(), timeout=2)

    async def chat_b() -> None:
        async with order.turn(2):
            b_started.set()

    await asyncio.gather(chat_a(), chat_b())


async def test_one_chat_runs_strictly_in_order() -> None:
    order = ChatOrder()
    log: list[str] = []
    first_may_finish = asyncio.Event()

    async def handle(name: str, gate: asyncio.Event | None) -> None:
        async with order.turn(7):
            log.append(f"{name} start")
            if gate is not None:
                await gate.wait()
            log.append(f"{name} end")

    tasks = [asyncio.create_task(handle("0", first_may_finish))]
    tasks += [asyncio.create_task(handle(str(n), None)) for n in (1, 2)]
    await asyncio.sleep(0)  # all three have asked for the chat's turn
    assert log == ["0 start"], "the later updates wait for the first"
    first_may_finish.set()
    await asyncio.gather(*tasks)
    assert log == ["0 start", "0 end", "1 start", "1 end", "2 start", "2 end"]


async def test_updates_without_a_chat_are_not_held() -> None:
    order = ChatOrder()
    async with order.turn(None), order.turn(None):
        pass  # no lock: nesting would deadlock otherwise


async def test_locks_are_freed_when_a_chat_goes_quiet() -> None:
    order = ChatOrder()
    for chat in range(100):
        async with order.turn(chat):
            assert len(order._locks) == 1
    gc.collect()
    assert len(order._locks) == 0


@pytest.fixture
async def loop_clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The event loop's clock, which aiolimiter reads, stepped by hand."""
    stepped = Clock(start=1000.0)
    monkeypatch.setattr(asyncio.get_running_loop(), "time", stepped)
    return stepped


async def test_flood_gets_one_warning_then_silence_then_service_again(loop_clock: Clock) -> None:
    guard = FloodGuard()
    verdicts = [await guard.check(1) for _ in range(100)]
    assert verdicts[:BURST] == [Verdict.ALLOW] * BURST
    assert verdicts.count(Verdict.WARN) == 1
    assert verdicts.count(Verdict.ALLOW) == BURST
    assert await guard.check(2) is Verdict.ALLOW, "another chat is not affected"
    loop_clock.advance(5)
    assert await guard.check(1) is Verdict.ALLOW, "after a pause the chat is served again"


async def test_a_flood_that_goes_on_is_warned_again_only_after_a_while(loop_clock: Clock) -> None:
    guard = FloodGuard()
    for _ in range(BURST + 1):
        await guard.check(1)  # the burst, then the warning
    loop_clock.advance(WARN_AGAIN_AFTER / 2)
    [await guard.check(1) for _ in range(BURST)]  # refilled a little, then over again
    assert await guard.check(1) is Verdict.DROP
    loop_clock.advance(WARN_AGAIN_AFTER / 2)
    verdicts = [await guard.check(1) for _ in range(BURST * 2)]
    assert verdicts.count(Verdict.WARN) == 1


async def test_a_quiet_chat_is_forgotten_and_starts_afresh(loop_clock: Clock) -> None:
    guard = FloodGuard()
    for _ in range(BURST + 1):
        await guard.check(1)
    loop_clock.advance(FORGET_AFTER + 1)
    assert [await guard.check(1) for _ in range(BURST)] == [Verdict.ALLOW] * BURST


def test_heartbeat_tells_alive_from_stale(tmp_path: Path) -> None:
    assert not is_alive(tmp_path), "no heartbeat yet"
    Heartbeat(tmp_path).beat()
    assert is_alive(tmp_path)
    mtime = (tmp_path / "heartbeat").stat().st_mtime
    assert not is_alive(tmp_path, now=mtime + STALE_AFTER_SECONDS + 1)
