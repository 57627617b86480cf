"""The journal of handled updates: what stops a re-fetched update being answered twice.

On each backend in turn (the `storage` and `backend` fixtures)."""

from __future__ import annotations

from bot.storage import Storage
from bot.storage.interface import RETENTION_SECONDS
from tests.storage_backends import Backend
from tests.unit.clocks import Clock


async def test_an_update_is_handled_once_marked_and_after_a_restart(
        storage: Storage, backend: Backend) -> None:
    assert not await storage.journal.is_handled(10)
    await storage.journal.mark_handled(10)
    await storage.journal.mark_handled(10)  # marking twice is harmless
    assert await storage.journal.is_handled(10)
    assert not await storage.journal.is_handled(11)
    reopened = await backend.open()
    try:
        assert await reopened.journal.is_handled(10)
    finally:
        await reopened.close()


async def test_set_aside_updates_come_back_oldest_first_until_handled(
        storage: Storage) -> None:
    await storage.journal.set_aside(30, {"update_id": 30, "message": {"text": "b"}})
    await storage.journal.set_aside(20, {"update_id": 20, "message": {"text": "a"}})
    assert [u["update_id"] for u in await storage.journal.set_aside_updates()] == [20, 30]
    await storage.journal.mark_handled(20)
    assert await storage.journal.set_aside_updates() == [
        {"update_id": 30, "message": {"text": "b"}}]


async def test_handled_ids_older_than_telegram_keeps_updates_are_pruned(
        storage: Storage, clock: Clock) -> None:
    await storage.journal.mark_handled(1)
    clock.advance(RETENTION_SECONDS + 1)
    await storage.journal.mark_handled(2)
    await storage.journal.prune()
    assert not await storage.journal.is_handled(1), "pruned: Telegram forgot it long ago"
    assert await storage.journal.is_handled(2)
