"""Per-chat ordering, cross-chat concurrency, the flood brakes (per chat, and each user's
budget of inline queries and taps) and the heartbeat. Time is a clock stepped by hand."""

from __future__ import annotations

import asyncio
import gc
from pathlib import Path
from typing import Any

from bot.monitoring.health import STALE_AFTER_SECONDS, Heartbeat, is_alive
from bot.telegram.inbound import ChatOrder
from bot.telegram.inbound.flood_guard import (
    BUDGET_BURST,
    BUDGET_PER_SECOND,
    BURST,
    FORGET_AFTER,
    WARN_AGAIN_AFTER,
    FloodGuard,
    UpdateBudgets,
    Verdict,
)
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


async def test_flood_gets_one_warning_then_silence_then_service_again(clock: Clock) -> None:
    guard = FloodGuard(clock)
    verdicts = [await guard.check(1) for _ in range(100)]
    assert verdicts[:BURST] == [Verdict.ALLOW] * BURST
    assert verdicts.count(Verdict.WARN) == 1
    assert verdicts.count(Verdict.ALLOW) == BURST
    assert await guard.check(2) is Verdict.ALLOW, "another chat is not affected"
    clock.advance(5)
    assert await guard.check(1) is Verdict.ALLOW, "after a pause the chat is served again"


async def test_a_flood_that_goes_on_is_warned_again_only_after_a_while(clock: Clock) -> None:
    guard = FloodGuard(clock)
    for _ in range(BURST + 1):
        await guard.check(1)  # the burst, then the warning
    clock.advance(WARN_AGAIN_AFTER / 2)
    [await guard.check(1) for _ in range(BURST)]  # refilled a little, then over again
    assert await guard.check(1) is Verdict.DROP
    clock.advance(WARN_AGAIN_AFTER / 2)
    verdicts = [await guard.check(1) for _ in range(BURST * 2)]
    assert verdicts.count(Verdict.WARN) == 1


async def test_a_quiet_chat_is_forgotten_and_starts_afresh(clock: Clock) -> None:
    guard = FloodGuard(clock)
    for _ in range(BURST + 1):
        await guard.check(1)
    clock.advance(FORGET_AFTER + 1)
    assert [await guard.check(1) for _ in range(BURST)] == [Verdict.ALLOW] * BURST


def inline_query(update_id: int, user_id: int) -> dict[str, Any]:
    return {"update_id": update_id, "inline_query": {
        "id": str(update_id), "from": {"id": user_id, "is_bot": False, "first_name": "A"},
        "query": "dead battery", "offset": ""}}


def tap(update_id: int, user_id: int) -> dict[str, Any]:
    return {"update_id": update_id, "callback_query": {
        "id": str(update_id), "from": {"id": user_id, "is_bot": False, "first_name": "A"},
        "chat_instance": "1", "data": "x"}}


def test_a_users_inline_queries_beyond_the_budget_are_dropped_and_no_one_elses(
        clock: Clock) -> None:
    budgets = UpdateBudgets(clock)
    admitted = [budgets.admits(inline_query(n, user_id=1)) for n in range(2_000)]
    assert admitted[:BUDGET_BURST] == [True] * BUDGET_BURST and sum(admitted) == BUDGET_BURST
    assert budgets.admits(inline_query(5_000, user_id=2)), "another user is not affected"
    assert budgets.admits(tap(5_001, user_id=1)), "nor the same user's taps"
    clock.advance(1.0)
    later = [budgets.admits(inline_query(n, user_id=1)) for n in range(6_000, 6_100)]
    assert sum(later) == BUDGET_PER_SECOND, "a second later, a second's worth more"


def test_an_update_fetched_again_gets_the_same_decision_and_spends_nothing(
        clock: Clock) -> None:
    budgets = UpdateBudgets(clock)
    first = [budgets.admits(tap(n, user_id=1)) for n in range(BUDGET_BURST + 1)]
    clock.advance(60)  # the bucket is full again
    assert [budgets.admits(tap(n, user_id=1)) for n in range(BUDGET_BURST + 1)] == first
    assert budgets.dropped(BUDGET_BURST) and not budgets.dropped(0)
    assert budgets.admits(tap(100, user_id=1)), "the re-fetches spent nothing"


def test_screening_cuts_an_update_over_budget_to_its_id_and_leaves_the_rest(
        clock: Clock) -> None:
    budgets = UpdateBudgets(clock, burst=1)
    message = {"update_id": 3, "message": {"message_id": 1, "date": 0, "text": "hi",
                                          "chat": {"id": 1, "type": "private"}}}
    assert budgets.screen([tap(1, user_id=1), tap(2, user_id=1), message]) == [
        tap(1, user_id=1), {"update_id": 2}, message]


def test_heartbeat_tells_alive_from_stale(tmp_path: Path) -> None:
    assert not is_alive(tmp_path), "no heartbeat yet"
    Heartbeat(tmp_path).beat()
    assert is_alive(tmp_path)
    mtime = (tmp_path / "heartbeat").stat().st_mtime
    assert not is_alive(tmp_path, now=mtime + STALE_AFTER_SECONDS + 1)
