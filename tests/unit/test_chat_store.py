"""A chat keeps its place (language, car, step) across restarts, crashes and damaged rows.

Through the storage interface (bot/storage/interface.py), on each backend in turn (the
`storage` and `backend` fixtures): SQLite, and PostgreSQL on a server the suite starts.
"""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from bot.dialog.navigation import MENU, Kind, Screen
from bot.dialog.state import CAR_UNSURE, ChatState
from bot.storage import SqliteStorage, Storage
from bot.storage.sqlite import DATABASE_NAME
from tests.storage_backends import Backend, SqliteBackend

PROJECT = Path(__file__).resolve().parents[2]

# Every field set to something other than its default.
MID_WALK = ChatState(language="ru", car="J11", way="lid-button", step=3, guided=True,
                     tried=("key-fob",), shown=("safety-lock", "lid-button"),
                     plan=("safety-lock", "lid-button", "key-fob"),
                     said=("safety-lock:unlock-twice",), tools=False,
                     history=(MENU, Screen(Kind.STEP, "lid-button", 2),
                              Screen(Kind.STEP, "lid-button", 3)),
                     awaiting_comment=Screen(Kind.ANSWER, "lid-button"), told_languages=True,
                     pending="trunk-wont-open")


def integrity(path: Path) -> str:
    with sqlite3.connect(path) as db:
        return str(db.execute("PRAGMA integrity_check").fetchone()[0])


async def test_unknown_chat_gets_a_fresh_state_and_nothing_is_written(
        storage: Storage, backend: Backend) -> None:
    assert await storage.chats.load(424242) == ChatState()
    assert backend.rows("chat_state") == 0


async def test_save_then_load_round_trips_every_field(storage: Storage) -> None:
    assert all(getattr(MID_WALK, name) != getattr(ChatState(), name)
               for name in ChatState.__dataclass_fields__)  # the sample really sets every field
    await storage.chats.save(1, MID_WALK)
    assert await storage.chats.load(1) == MID_WALK


async def test_saving_again_replaces_the_state(storage: Storage, backend: Backend) -> None:
    await storage.chats.save(1, MID_WALK)
    await storage.chats.save(1, MID_WALK.with_(step=4, car=CAR_UNSURE))
    assert await storage.chats.load(1) == MID_WALK.with_(step=4, car=CAR_UNSURE)
    assert backend.rows("chat_state") == 1


async def test_state_survives_a_restart(backend: Backend) -> None:
    first = await backend.open()
    await first.chats.save(-1001234567890, MID_WALK)  # supergroup ids need 64 bits
    await first.close()
    reopened = await backend.open()
    try:
        assert await reopened.chats.load(-1001234567890) == MID_WALK
    finally:
        await reopened.close()


@pytest.mark.parametrize("payload", ['{"language": "ru", "st', "", "null", "42", "[1, 2]",
                                     '"text"'])
async def test_damaged_row_loads_as_default(storage: Storage, backend: Backend,
                                            payload: str) -> None:
    await storage.chats.save(2, MID_WALK)
    backend.write_raw_state(1, payload)
    assert await storage.chats.load(1) == ChatState()
    assert await storage.chats.load(2) == MID_WALK  # neighbours unaffected
    await storage.chats.save(1, MID_WALK)  # and the next save repairs the row
    assert await storage.chats.load(1) == MID_WALK


async def test_row_from_another_bot_version_keeps_what_it_can(storage: Storage,
                                                              backend: Backend) -> None:
    backend.write_raw_state(1, '{"language": "ru", "step": 2, "mood": "grumpy"}')
    assert await storage.chats.load(1) == ChatState(language="ru", step=2)


def test_from_dict_ignores_unknown_fields() -> None:
    state = ChatState.from_dict({"language": "en", "car": "J10", "step": 5, "future": [1]})
    assert state == ChatState(language="en", car="J10", step=5)


def test_from_dict_drops_an_unsupported_language_so_it_is_detected_again() -> None:
    state = ChatState.from_dict({"language": "de", "method": "key-fob", "step": 1})
    assert state == ChatState(language=None, way="key-fob", step=1)


async def test_a_second_store_on_the_same_database_sees_saves(backend: Backend) -> None:
    """Two processes on one database: what one saves, the other loads."""
    first, second = await backend.open(), await backend.open()
    try:
        await first.chats.save(7, MID_WALK)
        assert await second.chats.load(7) == MID_WALK
        await second.chats.save(7, ChatState())
        assert await first.chats.load(7) == ChatState()
    finally:
        await first.close()
        await second.close()


async def test_many_chats_saved_concurrently(storage: Storage, backend: Backend) -> None:
    """Turns of different chats run concurrently; their saves must all land."""
    await asyncio.gather(*(storage.chats.save(chat_id, ChatState(language="en", step=chat_id % 9))
                           for chat_id in range(1, 2001)))
    assert backend.rows("chat_state") == 2000
    assert await storage.chats.load(1999) == ChatState(language="en", step=1999 % 9)
    if isinstance(backend, SqliteBackend):
        assert integrity(backend.path) == "ok"


CHILD = textwrap.dedent("""
    import asyncio
    import sys
    from pathlib import Path
    from bot.dialog.state import ChatState
    from bot.storage import SqliteStorage

    async def main() -> None:
        storage = SqliteStorage(Path(sys.argv[1]))
        for chat_id in range(1, 1_000_000):
            await storage.chats.save(chat_id, ChatState(language="ru", way="key-fob",
                                                        step=chat_id % 7))
            print(f"saved {chat_id}", flush=True)

    asyncio.run(main())
""")


async def test_every_reported_save_survives_kill_9(tmp_path: Path) -> None:
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(tmp_path)], cwd=PROJECT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    watchdog = threading.Timer(30, child.kill)  # never hang the suite on a stuck child
    watchdog.start()
    try:
        reported = 0
        assert child.stdout is not None
        for line in child.stdout:
            reported = int(line.split()[1])
            if reported >= 50:
                break
        child.send_signal(signal.SIGKILL)
        rest, errors = child.communicate(timeout=10)
    finally:
        watchdog.cancel()
    assert child.returncode == -signal.SIGKILL, errors
    for line in rest.splitlines():  # reports already in the pipe when it died count too
        if line.startswith("saved "):
            reported = int(line.split()[1])
    assert reported >= 50, errors

    assert integrity(tmp_path / DATABASE_NAME) == "ok"
    storage = SqliteStorage(tmp_path)
    try:
        expected = [ChatState(language="ru", way="key-fob", step=chat_id % 7)
                    for chat_id in range(1, reported + 1)]
        loaded = [await storage.chats.load(chat_id) for chat_id in range(1, reported + 1)]
        assert loaded == expected
        with sqlite3.connect(tmp_path / DATABASE_NAME) as db:
            assert db.execute("SELECT COUNT(*) FROM chat_state").fetchone()[0] >= reported
    finally:
        await storage.close()
