"""PostgreSQL's schema version, as an operator upgrading the bot meets it: replicas starting
together migrate once, a database from before issue 10 keeps its chats and gains the records'
tables, one from a newer bot is refused untouched, and the read-only commands create nothing.

SQLite's counterparts are at the end of test_records_storage.py.
"""

from __future__ import annotations

import asyncio

import psycopg
import pytest

from bot.config import Settings
from bot.dialog.state import ChatState
from bot.storage import StorageError, open_existing_storage, open_storage
from bot.storage.postgres import PostgresStorage
from bot.storage.postgres_schema import MIGRATIONS
from tests.conftest import PASSWORD
from tests.storage_backends import PostgresBackend
from tests.unit.clocks import Clock

NOW = 1_700_000_000.0
RECORDS = {"chat_activity", "daily_tally", "feedback_rating", "feedback_comment",
           "unanswered_question"}


def schema_versions(url: str) -> list[int]:
    with psycopg.connect(url) as db:
        return [row[0] for row in db.execute("SELECT version FROM schema_version ORDER BY 1")]


def tables(url: str) -> set[str]:
    return PostgresBackend(url, Clock(NOW)).tables()


def settings(url: str) -> Settings:
    return Settings.from_environment({"DATABASE_URL": url}, token_required=False)


async def test_replicas_starting_together_create_the_schema_once(database_url: str) -> None:
    stores = await asyncio.gather(*(PostgresStorage.open(database_url) for _ in range(4)))
    for store in stores:
        await store.close()
    assert schema_versions(database_url) == list(range(1, len(MIGRATIONS) + 1))
    again = await PostgresStorage.open(database_url)  # a restart migrates nothing
    await again.close()
    assert schema_versions(database_url) == list(range(1, len(MIGRATIONS) + 1))


async def test_a_database_from_before_issue_10_keeps_its_chats_and_gains_the_records(
        database_url: str) -> None:
    with psycopg.connect(database_url) as db:  # what issue 12's bot left: versions 1 and 2
        db.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, "
                   "applied_at TIMESTAMPTZ NOT NULL DEFAULT now())")
        for version, step in enumerate(MIGRATIONS[:2], start=1):
            db.execute(step)  # type: ignore[arg-type]
            db.execute("INSERT INTO schema_version (version) VALUES (%s)", (version,))
        db.execute("""INSERT INTO chat_state VALUES (5, '{"language": "ru", "car": "J10"}', 0)""")
    store = await PostgresStorage.open(database_url)
    try:
        assert await store.chats.load(5) == ChatState(language="ru", car="J10")
        await store.activity.seen(-1_001_234_567_890, NOW)  # a supergroup: beyond 32 bits
        assert await store.activity.count_since(0) == 1
    finally:
        await store.close()
    assert schema_versions(database_url) == list(range(1, len(MIGRATIONS) + 1))
    assert tables(database_url) >= RECORDS


async def test_a_database_from_a_newer_bot_is_refused_untouched(url_with_password: str) -> None:
    with psycopg.connect(url_with_password) as db:
        db.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, "
                   "applied_at TIMESTAMPTZ NOT NULL DEFAULT now())")
        db.execute("INSERT INTO schema_version (version) VALUES (%s)", (len(MIGRATIONS) + 1,))
    with pytest.raises(StorageError) as refused:
        await open_storage(settings(url_with_password))
    message = str(refused.value)
    assert message.startswith("DATABASE_URL=postgresql://127.0.0.1:")
    assert "newer" in message and "nothing was changed" in message
    assert PASSWORD not in message
    assert tables(url_with_password) == {"schema_version"}
    assert schema_versions(url_with_password) == [len(MIGRATIONS) + 1]


async def test_reading_what_the_bot_kept_from_an_empty_database_is_an_error_that_creates_nothing(
        database_url: str) -> None:
    with pytest.raises(StorageError, match=r"^DATABASE_URL=.*no bot data"):
        await open_existing_storage(settings(database_url))
    assert tables(database_url) == set()


async def test_reading_what_the_bot_kept_sees_what_it_wrote(database_url: str) -> None:
    writing = await open_storage(settings(database_url))
    await writing.feedback.rate(1, "end", "up", NOW)
    await writing.close()
    reading = await open_existing_storage(settings(database_url))
    try:
        assert await reading.feedback.ratings() == {("end", "up"): 1}
    finally:
        await reading.close()
