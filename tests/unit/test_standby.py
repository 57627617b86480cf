"""Polling with a standby: a process polls only while it holds the lease, stops when it loses
it, and stands by again (bot/telegram/inbound/standby.py). The lease and the poller are stand-ins
here; tests/unit/test_postgres_storage.py tests the real lease, tests/e2e/test_replicas.py
the whole take-over between processes."""

from __future__ import annotations

import asyncio

from bot.telegram.inbound import Standby


class Lease:
    def __init__(self) -> None:
        self.granted = asyncio.Event()
        self.lost = asyncio.Event()
        self.acquired = 0
        self.released = 0

    async def acquire(self) -> None:
        await self.granted.wait()
        self.granted.clear()
        self.lost.clear()
        self.acquired += 1

    async def until_lost(self) -> None:
        await self.lost.wait()

    async def release(self) -> None:
        self.released += 1


class Poller:
    def __init__(self) -> None:
        self.started = self.stopped = False
        self._end = asyncio.Event()

    async def start(self) -> None:
        self.started = True

    async def wait(self) -> None:
        await self._end.wait()

    async def stop(self) -> None:
        self.stopped = True
        self._end.set()


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_a_standby_polls_only_once_it_holds_the_lease_and_again_after_losing_it(
        ) -> None:
    lease, pollers, beats = Lease(), list[Poller](), list[int]()

    def make_poller() -> Poller:
        pollers.append(Poller())
        return pollers[-1]

    standby = Standby(lease, make_poller, on_wait=lambda: beats.append(1))  # type: ignore[arg-type]
    await standby.start()
    await settle()
    assert pollers == [] and beats, "standing by, and healthy while it waits"

    lease.granted.set()
    await settle()
    assert len(pollers) == 1 and pollers[0].started

    lease.lost.set()  # its database connection broke: another process may poll now
    await settle()
    assert pollers[0].stopped and len(pollers) == 1, "stopped, and standing by again"

    lease.granted.set()
    await settle()
    assert len(pollers) == 2 and pollers[1].started

    await standby.stop()
    assert pollers[1].stopped and lease.released == 1
    assert lease.acquired == 2
