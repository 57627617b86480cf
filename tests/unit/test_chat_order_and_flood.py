"""Per-chat ordering, cross-chat concurrency, the flood brake and the heartbeat."""

from __future__ import annotations

import asyncio
from pathlib import Path

from telegram import Chat, Message, Update

from bot.telegram_layer.chat_order import PerChatOrder
from bot.telegram_layer.flood_guard import BURST, FloodGuard, Verdict
from bot.telegram_layer.health import STALE_AFTER_SECONDS, Heartbeat, is_alive


def update_in(chat_id: int, update_id: int) -> Update:
    chat = Chat(chat_id, Chat.PRIVATE)
    return Update(update_id, message=Message(update_id, None, chat))  # type: ignore[arg-type]


async def test_two_chats_run_at_the_same_time() -> None:
    """Chat A cannot finish until chat B has started: only concurrency lets both end."""
    processor = PerChatOrder()
    b_started = asyncio.Event()

    async def chat_a() -> None:
        await asyncio.wait_for(b_started.wait(), timeout=2)

    async def chat_b() -> None:
        b_started.set()

    await asyncio.gather(processor.process_update(update_in(1, 1), chat_a()),
                         processor.process_update(update_in(2, 2), chat_b()))


async def test_one_chat_runs_strictly_in_order() -> None:
    processor = PerChatOrder()
    log: list[str] = []

    async def handle(name: str, pause: float) -> None:
        log.append(f"{name} start")
        await asyncio.sleep(pause)
        log.append(f"{name} end")

    await asyncio.gather(*(processor.process_update(update_in(7, n), handle(str(n), 0.03 - n / 100))
                           for n in range(3)))
    assert log == ["0 start", "0 end", "1 start", "1 end", "2 start", "2 end"]


async def test_locks_are_freed_when_a_chat_goes_quiet() -> None:
    processor = PerChatOrder()

    async def nothing() -> None:
        return None

    for chat in range(100):
        await processor.process_update(update_in(chat, chat), nothing())
    assert processor._locks == {}


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_flood_gets_one_warning_then_silence_then_service_again() -> None:
    clock = Clock()
    guard = FloodGuard(clock)
    verdicts = [guard.check(1) for _ in range(100)]
    assert verdicts[:BURST] == [Verdict.ALLOW] * BURST
    assert verdicts.count(Verdict.WARN) == 1
    assert verdicts.count(Verdict.ALLOW) == BURST
    assert guard.check(2) is Verdict.ALLOW, "another chat is not affected"
    clock.now += 5
    assert guard.check(1) is Verdict.ALLOW, "after a pause the chat is served again"


def test_heartbeat_tells_alive_from_stale(tmp_path: Path) -> None:
    assert not is_alive(tmp_path), "no heartbeat yet"
    Heartbeat(tmp_path).beat()
    assert is_alive(tmp_path)
    mtime = (tmp_path / "heartbeat").stat().st_mtime
    assert not is_alive(tmp_path, now=mtime + STALE_AFTER_SECONDS + 1)
