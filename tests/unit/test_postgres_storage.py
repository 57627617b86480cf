"""What only PostgreSQL does: chats and the poller shared by several processes, a database
that goes away and comes back, a connection cut after a commit, a password never shown. (Its
schema versions are test_postgres_schema.py.)

The contract every backend keeps is tested on PostgreSQL too, in test_chat_store.py,
test_update_journal.py, test_picture_files.py, test_records_storage.py and test_recorder.py;
these are the parts SQLite has no counterpart for.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace

import psycopg
import pytest

from bot.config import ConfigError, Settings
from bot.dialog.state import ChatState
from bot.storage import open_storage
from bot.storage.interface import Candidate, Comment, UnansweredQuestion
from bot.storage.postgres import PostgresStorage
from bot.storage.postgres_connections import connect
from bot.storage.postgres_locks import PostgresPollerLease
from tests.conftest import PASSWORD
from tests.postgres_server import CuttingProxy, PostgresServer

NOW = 1_700_000_000.0
QUESTION = UnansweredQuestion("boot light", "en", "declined", (Candidate("key-fob", 0.3),), NOW)


@pytest.fixture
async def two_processes(database_url: str) -> AsyncIterator[tuple[PostgresStorage,
                                                                  PostgresStorage]]:
    """Two stores on one database: what two bot processes behind a load balancer share."""
    first = await PostgresStorage.open(database_url)
    second = await PostgresStorage.open(database_url)
    yield first, second
    await first.close()
    await second.close()


async def test_a_chat_held_by_one_process_waits_in_the_other(
        two_processes: tuple[PostgresStorage, PostgresStorage]) -> None:
    first, second = two_processes
    order: list[str] = []

    async def second_takes_chat_7() -> None:
        async with second.chat_locks.hold(7):
            order.append("second")

    async with first.chat_locks.hold(7):
        waiting = asyncio.create_task(second_takes_chat_7())
        async with second.chat_locks.hold(8):  # another chat is not held up
            order.append("other chat")
        await asyncio.sleep(0.2)
        assert not waiting.done(), "chat 7 is the first process's until it lets go"
        order.append("first")
    await asyncio.wait_for(waiting, timeout=5)
    assert order == ["other chat", "first", "second"]


async def test_replicas_counting_the_same_tallies_at_once_never_deadlock(
        two_processes: tuple[PostgresStorage, PostgresStorage],
        caplog: pytest.LogCaptureFixture) -> None:
    """Each turn adds its counts in whatever order it met them; without a common order, two
    replicas' upserts wait on each other's rows until PostgreSQL aborts one (minutes of
    retries for this burst)."""
    first, second = two_processes
    keys = [("answer_shown", f"entry-{n}") for n in range(6)]
    forward, backward = dict.fromkeys(keys, 1), dict.fromkeys(reversed(keys), 1)
    await asyncio.wait_for(asyncio.gather(*(
        store.tallies.add("2025-11-28", counts) for _ in range(100)
        for store, counts in ((first, forward), (second, backward)))), timeout=20)
    assert await first.tallies.totals() == dict.fromkeys(keys, 200)
    assert "deadlock" not in caplog.text


async def test_one_process_polls_and_a_standby_takes_over_when_it_goes(
        database_url: str) -> None:
    def lease() -> PostgresPollerLease:
        return PostgresPollerLease(lambda: connect(database_url), sleep=asyncio.sleep,
                                   retry_seconds=0.05, check_seconds=0.05)

    leader, standby = lease(), lease()
    await asyncio.wait_for(leader.acquire(), timeout=5)
    taking_over = asyncio.create_task(standby.acquire())
    await asyncio.sleep(0.3)
    assert not taking_over.done(), "only one process may poll"
    await leader.release()  # what a process's death does to its session
    await asyncio.wait_for(taking_over, timeout=2)
    await standby.release()


async def test_the_poller_learns_it_lost_the_lease_when_the_database_goes(
        database_url: str, postgres: PostgresServer) -> None:
    lease = PostgresPollerLease(lambda: connect(database_url), sleep=asyncio.sleep,
                                check_seconds=0.05)
    await lease.acquire()
    postgres.stop()
    try:
        await asyncio.wait_for(lease.until_lost(), timeout=5)
    finally:
        postgres.start()
    await asyncio.wait_for(lease.acquire(), timeout=10)  # and gets it back once it returns
    await lease.release()


async def test_a_save_while_the_database_is_away_waits_and_lands_when_it_is_back(
        url_with_password: str, postgres: PostgresServer,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    store = await PostgresStorage.open(url_with_password)
    try:
        await store.chats.save(1, ChatState(language="ru"))
        postgres.stop()
        try:
            saving = asyncio.create_task(store.chats.save(1, ChatState(language="en", step=2)))
            marking = asyncio.create_task(store.journal.mark_handled(41))
            await asyncio.sleep(1.0)
            assert not saving.done() and not marking.done(), "they wait for the database"
        finally:
            postgres.start()
        await asyncio.wait_for(asyncio.gather(saving, marking), timeout=30)
        assert await store.chats.load(1) == ChatState(language="en", step=2)
        assert await store.journal.is_handled(41)
    finally:
        await store.close()
    assert "database unavailable" in caplog.text
    assert PASSWORD not in caplog.text


async def test_an_unreachable_database_stops_start_up_naming_the_variable(
        postgres: PostgresServer) -> None:
    url = f"postgresql://trunk_bot:{PASSWORD}@127.0.0.1:{postgres.port}/no_such_database"
    settings = Settings.from_environment({"TELEGRAM_BOT_TOKEN": "1:x", "DATABASE_URL": url})
    with pytest.raises(ConfigError) as raised:
        await open_storage(settings)
    message = str(raised.value)
    assert message.startswith("DATABASE_URL=postgresql://127.0.0.1:")
    assert "no_such_database" in message
    assert PASSWORD not in message


Write = Callable[[PostgresStorage], Awaitable[None]]
Read = Callable[[PostgresStorage], Awaitable[object]]

# Each write that adds (a count, a row), the statement to cut after, and what it leaves.
ADDING: dict[str, tuple[Write, bytes, Read, object]] = {
    "a turn's tallies": (
        lambda store: store.tallies.add("2023-11-14", {("answer_shown", "key-fob"): 1}),
        b"daily_tally", lambda store: store.tallies.totals(),
        {("answer_shown", "key-fob"): 1}),
    "a question asked again": (
        lambda store: store.unanswered.add(replace(QUESTION, asked_at=NOW + 60)),
        b"UPDATE unanswered_question",
        lambda store: _times(store), [2]),
    "a rating tied to no chat": (
        lambda store: store.feedback.rate(None, "end", "up", NOW),
        b"feedback_rating", lambda store: store.feedback.ratings(), {("end", "up"): 1}),
    "a comment": (
        lambda store: store.feedback.comment(1, Comment("end", "it beeps", "en", NOW)),
        b"feedback_comment", lambda store: _texts(store), ["it beeps"]),
}


async def _times(store: PostgresStorage) -> list[int]:
    return [question.times for question in await store.unanswered.since()]


async def _texts(store: PostgresStorage) -> list[str]:
    return [comment.text for comment in await store.feedback.comments()]


@pytest.mark.parametrize("write", ADDING)
async def test_what_adds_is_never_added_twice_when_the_connection_drops_after_the_commit(
        database_url: str, postgres: PostgresServer, write: str) -> None:
    """Run again after a failure whose outcome is unknown, a statement that adds would count
    the turn twice in /stats: it runs at most once, and its caller hears it failed."""
    adds, statement, read, once = ADDING[write]
    async with CuttingProxy(postgres.port) as proxy:
        store = await PostgresStorage.open(proxy.url(database_url))
        try:
            await store.unanswered.add(QUESTION)  # what "asked again" asks again
            proxy.cut_after(statement)
            failed = None
            try:
                await asyncio.wait_for(adds(store), timeout=10)
            except psycopg.OperationalError as error:
                failed = error
            assert proxy.cuts == 1
            assert await read(store) == once, "the statement took effect, once"
            assert failed is not None, "the caller is told (the recorder logs it)"
        finally:
            await store.close()


async def test_a_save_cut_off_after_its_commit_is_tried_again_and_lands(
        database_url: str, postgres: PostgresServer) -> None:
    """A statement that sets rather than adds may run twice: the turn waits and goes on."""
    async with CuttingProxy(postgres.port) as proxy:
        store = await PostgresStorage.open(proxy.url(database_url))
        try:
            proxy.cut_after(b"chat_state")
            await asyncio.wait_for(store.chats.save(1, ChatState(language="ru")), timeout=10)
            assert proxy.cuts == 1
            assert await store.chats.load(1) == ChatState(language="ru")
        finally:
            await store.close()
