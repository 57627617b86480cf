"""A chat keeps its place (language, car, step) across restarts, crashes and damaged rows.

Through the storage interface (bot/storage/interface.py), on the default SQLite backend.
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

from bot.dialog.state import CAR_UNSURE, ChatState
from bot.storage import SqliteStorage
from bot.storage.sqlite import DATABASE_NAME

PROJECT = Path(__file__).resolve().parents[2]

# Every field set to something other than its default.
MID_WALK = ChatState(language="ru", car="J11", method="lid-button", step=3, guided=True,
                     tried=("key-fob",), shown=("safety-lock", "lid-button"), tools="no",
                     history=("menu", "step.lid-button.2", "step.lid-button.3"),
                     awaiting_comment="answer.lid-button")




def integrity(path: Path) -> str:
    with sqlite3.connect(path) as db:
        return str(db.execute("PRAGMA integrity_check").fetchone()[0])


def rows(path: Path) -> int:
    with sqlite3.connect(path) as db:
        return int(db.execute("SELECT COUNT(*) FROM chat_state").fetchone()[0])


def write_raw_row(path: Path, chat_id: int, payload: str) -> None:
    """What a damaged or hand-edited row looks like to the store."""
    with sqlite3.connect(path) as db:
        db.execute("INSERT OR REPLACE INTO chat_state (chat_id, state, updated_at) "
                   "VALUES (?, ?, 0)", (chat_id, payload))


async def test_unknown_chat_gets_a_fresh_state_and_nothing_is_written(
        storage: SqliteStorage) -> None:
    assert await storage.chats.load(424242) == ChatState()
    assert rows(storage.path) == 0


async def test_save_then_load_round_trips_every_field(storage: SqliteStorage) -> None:
    assert all(getattr(MID_WALK, name) != getattr(ChatState(), name)
               for name in ChatState.__dataclass_fields__)  # the sample really sets every field
    await storage.chats.save(1, MID_WALK)
    assert await storage.chats.load(1) == MID_WALK


async def test_saving_again_replaces_the_state(storage: SqliteStorage) -> None:
    await storage.chats.save(1, MID_WALK)
    await storage.chats.save(1, MID_WALK.with_(step=4, car=CAR_UNSURE))
    assert await storage.chats.load(1) == MID_WALK.with_(step=4, car=CAR_UNSURE)
    assert rows(storage.path) == 1


async def test_state_survives_a_restart(tmp_path: Path) -> None:
    first = SqliteStorage(tmp_path)
    await first.chats.save(-100123, MID_WALK)  # group chats have negative ids
    await first.close()
    reopened = SqliteStorage(tmp_path)
    try:
        assert await reopened.chats.load(-100123) == MID_WALK
    finally:
        await reopened.close()


@pytest.mark.parametrize("payload", ['{"language": "ru", "st', "", "null", "42", "[1, 2]",
                                     '"text"'])
async def test_damaged_row_loads_as_default(storage: SqliteStorage, payload: str) -> None:
    await storage.chats.save(2, MID_WALK)
    write_raw_row(storage.path, 1, payload)
    assert await storage.chats.load(1) == ChatState()
    assert await storage.chats.load(2) == MID_WALK  # neighbours unaffected
    await storage.chats.save(1, MID_WALK)  # and the next save repairs the row
    assert await storage.chats.load(1) == MID_WALK


async def test_row_from_another_bot_version_keeps_what_it_can(storage: SqliteStorage) -> None:
    write_raw_row(storage.path, 1, '{"language": "ru", "step": 2, "mood": "grumpy"}')
    assert await storage.chats.load(1) == ChatState(language="ru", step=2)


def test_from_dict_ignores_unknown_fields() -> None:
    state = ChatState.from_dict({"language": "en", "car": "J10", "step": 5, "future": [1]})
    assert state == ChatState(language="en", car="J10", step=5)


def test_from_dict_drops_an_unsupported_language_so_it_is_detected_again() -> None:
    state = ChatState.from_dict({"language": "de", "method": "key-fob", "step": 1})
    assert state == ChatState(language=None, method="key-fob", step=1)


async def test_a_second_store_on_the_same_file_sees_saves(tmp_path: Path) -> None:
    first, second = SqliteStorage(tmp_path), SqliteStorage(tmp_path)
    try:
        await first.chats.save(7, MID_WALK)
        assert await second.chats.load(7) == MID_WALK
        await second.chats.save(7, ChatState())
        assert await first.chats.load(7) == ChatState()
    finally:
        await first.close()
        await second.close()


async def test_many_chats_saved_concurrently(storage: SqliteStorage) -> None:
    """Turns of different chats run concurrently; their saves must all land."""
    await asyncio.gather(*(storage.chats.save(chat_id, ChatState(language="en", step=chat_id % 9))
                           for chat_id in range(1, 2001)))
    assert rows(storage.path) == 2000
    assert await storage.chats.load(1999) == ChatState(language="en", step=1999 % 9)
    assert integrity(storage.path) == "ok"


CHILD = textwrap.dedent("""
    import asyncio
    import sys
    from pathlib import Path
    from bot.dialog.state import ChatState
    from bot.storage import SqliteStorage

    async def main() -> None:
        storage = SqliteStorage(Path(sys.argv[1]))
        for chat_id in range(1, 1_000_000):
            await storage.chats.save(chat_id, ChatState(language="ru", method="key-fob",
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
        expected = [ChatState(language="ru", method="key-fob", step=chat_id % 7)
                    for chat_id in range(1, reported + 1)]
        loaded = [await storage.chats.load(chat_id) for chat_id in range(1, reported + 1)]
        assert loaded == expected
        assert rows(tmp_path / DATABASE_NAME) >= reported
    finally:
        await storage.close()
