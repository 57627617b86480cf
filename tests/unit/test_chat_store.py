"""A chat keeps its place (language, car, step) across restarts, crashes and damaged rows."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.dialog.state import CAR_UNSURE, ChatState
from bot.storage.chat_store import DATABASE_NAME, ChatStore

PROJECT = Path(__file__).resolve().parents[2]

# Every field set to something other than its default.
MID_WALK = ChatState(language="ru", car="J11", method="lid-button", step=3, guided=True,
                     tried=("key-fob",), shown=("safety-lock", "lid-button"), tools="no",
                     history=("menu", "step.lid-button.2", "step.lid-button.3"))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[ChatStore]:
    chat_store = ChatStore(tmp_path)
    yield chat_store
    chat_store.close()


def integrity(path: Path) -> str:
    with sqlite3.connect(path) as db:
        return str(db.execute("PRAGMA integrity_check").fetchone()[0])


def write_raw_row(path: Path, chat_id: int, payload: str) -> None:
    """What a damaged or hand-edited row looks like to the store."""
    with sqlite3.connect(path) as db:
        db.execute("INSERT OR REPLACE INTO chat_state (chat_id, state, updated_at) "
                   "VALUES (?, ?, 0)", (chat_id, payload))


def test_unknown_chat_gets_a_fresh_state_and_nothing_is_written(store: ChatStore) -> None:
    assert store.load(424242) == ChatState()
    assert store.count() == 0


def test_save_then_load_round_trips_every_field(store: ChatStore) -> None:
    assert all(getattr(MID_WALK, name) != getattr(ChatState(), name)
               for name in ChatState.__dataclass_fields__)  # the sample really sets every field
    store.save(1, MID_WALK)
    assert store.load(1) == MID_WALK


def test_saving_again_replaces_the_state(store: ChatStore) -> None:
    store.save(1, MID_WALK)
    store.save(1, MID_WALK.with_(step=4, car=CAR_UNSURE))
    assert store.load(1) == MID_WALK.with_(step=4, car=CAR_UNSURE)
    assert store.count() == 1


def test_state_survives_a_restart(tmp_path: Path) -> None:
    first = ChatStore(tmp_path)
    first.save(-100123, MID_WALK)  # group chats have negative ids
    first.close()
    reopened = ChatStore(tmp_path)
    try:
        assert reopened.load(-100123) == MID_WALK
    finally:
        reopened.close()


def test_forget_clears_only_that_chat(store: ChatStore) -> None:
    store.save(1, MID_WALK)
    store.save(2, MID_WALK)
    store.forget(1)
    assert store.load(1) == ChatState()
    assert store.load(2) == MID_WALK
    assert store.count() == 1
    store.forget(999)  # forgetting a chat never seen is harmless
    assert store.count() == 1


@pytest.mark.parametrize("payload", ['{"language": "ru", "st', "", "null", "42", "[1, 2]",
                                     '"text"'])
def test_damaged_row_loads_as_default(store: ChatStore, payload: str) -> None:
    store.save(2, MID_WALK)
    write_raw_row(store.path, 1, payload)
    assert store.load(1) == ChatState()
    assert store.load(2) == MID_WALK  # neighbours unaffected
    store.save(1, MID_WALK)  # and the next save repairs the row
    assert store.load(1) == MID_WALK


def test_row_from_another_bot_version_keeps_what_it_can(store: ChatStore) -> None:
    write_raw_row(store.path, 1, '{"language": "ru", "step": 2, "mood": "grumpy"}')
    assert store.load(1) == ChatState(language="ru", step=2)


def test_from_dict_ignores_unknown_fields() -> None:
    state = ChatState.from_dict({"language": "en", "car": "J10", "step": 5, "future": [1]})
    assert state == ChatState(language="en", car="J10", step=5)


def test_from_dict_drops_an_unsupported_language_so_it_is_detected_again() -> None:
    state = ChatState.from_dict({"language": "de", "method": "key-fob", "step": 1})
    assert state == ChatState(language=None, method="key-fob", step=1)


def test_a_second_store_on_the_same_file_sees_saves(tmp_path: Path) -> None:
    first, second = ChatStore(tmp_path), ChatStore(tmp_path)
    try:
        first.save(7, MID_WALK)
        assert second.load(7) == MID_WALK
        second.forget(7)
        assert first.load(7) == ChatState()
    finally:
        first.close()
        second.close()


def test_many_chats(store: ChatStore) -> None:
    for chat_id in range(1, 2001):
        store.save(chat_id, ChatState(language="en", step=chat_id % 9))
    assert store.count() == 2000
    assert store.load(1999) == ChatState(language="en", step=1999 % 9)
    assert integrity(store.path) == "ok"


def test_concurrent_saves_from_threads(store: ChatStore) -> None:
    """Handlers may reach the store from helper threads; the lock must keep that safe."""
    def worker(offset: int) -> None:
        for chat_id in range(offset, offset + 200):
            store.save(chat_id, ChatState(step=chat_id))

    threads = [threading.Thread(target=worker, args=(n * 1000,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert store.count() == 800
    assert store.load(3199) == ChatState(step=3199)
    assert integrity(store.path) == "ok"


CHILD = textwrap.dedent("""
    import sys
    from pathlib import Path
    from bot.dialog.state import ChatState
    from bot.storage.chat_store import ChatStore

    store = ChatStore(Path(sys.argv[1]))
    for chat_id in range(1, 1_000_000):
        store.save(chat_id, ChatState(language="ru", method="key-fob", step=chat_id % 7))
        print(f"saved {chat_id}", flush=True)
""")


def test_every_reported_save_survives_kill_9(tmp_path: Path) -> None:
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
    store = ChatStore(tmp_path)
    try:
        lost = [chat_id for chat_id in range(1, reported + 1)
                if store.load(chat_id) != ChatState(language="ru", method="key-fob",
                                                    step=chat_id % 7)]
        assert lost == []
        assert store.count() >= reported
    finally:
        store.close()
