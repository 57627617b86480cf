"""What the bot keeps for the people who run it, through the storage interface on each
backend in turn (the `storage` and `backend` fixtures): activity, tallies, ratings, comments
and unanswered questions; /forget; the retention period. Then SQLite's schema version
(PostgreSQL's is test_postgres_schema.py).

Times are given by the caller (the recorder's clock), so these tests need no clock of their
own beyond plain numbers.
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from bot.dialog.state import ChatState
from bot.storage import SqliteStorage, Storage, StorageError
from bot.storage.interface import Candidate, Comment, UnansweredQuestion
from bot.storage.sqlite import DATABASE_NAME, SCHEMA_VERSION
from tests.storage_backends import Backend

DAY = 86_400.0
NOW = 1_700_000_000.0


def question(text: str, at: float = NOW, outcome: str = "did_you_mean") -> UnansweredQuestion:
    return UnansweredQuestion(text, "en", outcome,
                              (Candidate("lid-button", 0.38), Candidate("key-fob", 0.31)), at)


async def test_chats_are_counted_by_when_they_were_last_seen(storage: Storage) -> None:
    await storage.activity.seen(1, NOW - 10 * DAY)
    await storage.activity.seen(2, NOW - 3 * DAY)
    await storage.activity.seen(3, NOW - 20 * DAY)
    await storage.activity.seen(3, NOW)  # back today
    assert await storage.activity.count_since(NOW - DAY) == 1
    assert await storage.activity.count_since(NOW - 7 * DAY) == 2
    assert await storage.activity.count_since(0) == 3


async def test_tallies_add_up_per_day_and_subject(storage: Storage) -> None:
    await storage.tallies.add("2023-11-13", {("answer_shown", "lid-button"): 1})
    await storage.tallies.add("2023-11-14", {("answer_shown", "lid-button"): 2,
                                             ("answer_shown", "key-fob"): 1})
    await storage.tallies.add("2023-11-14", {("question_declined", ""): 1})
    await storage.tallies.add("2023-11-14", {})  # a turn that counted nothing
    assert await storage.tallies.totals() == {
        ("answer_shown", "lid-button"): 3, ("answer_shown", "key-fob"): 1,
        ("question_declined", ""): 1}
    assert await storage.tallies.totals("2023-11-14") == {
        ("answer_shown", "lid-button"): 2, ("answer_shown", "key-fob"): 1,
        ("question_declined", ""): 1}


async def test_a_chat_rating_a_screen_again_changes_its_rating_rather_than_adding_one(
        storage: Storage) -> None:
    await storage.feedback.rate(1, "answer.lid-button", "up", NOW)
    await storage.feedback.rate(1, "answer.lid-button", "down", NOW + 5)
    await storage.feedback.rate(2, "answer.lid-button", "up", NOW)
    await storage.feedback.rate(None, "answer.lid-button", "up", NOW)  # tied to no chat
    await storage.feedback.rate(None, "answer.lid-button", "up", NOW)
    assert await storage.feedback.ratings() == {("answer.lid-button", "up"): 3,
                                                ("answer.lid-button", "down"): 1}


async def test_comments_come_back_oldest_first(storage: Storage) -> None:
    late = Comment("worked.key-fob", "the fob only unlocked the doors", "en", NOW + 60)
    early = Comment("answer.lid-button", "кнопки нет", "ru", NOW)
    await storage.feedback.comment(1, late)
    await storage.feedback.comment(None, early)
    assert await storage.feedback.comments() == [early, late]
    assert await storage.feedback.comments(since=NOW + 1) == [late]


async def test_unanswered_questions_keep_their_candidates_and_scores(
        storage: Storage) -> None:
    asked = [question("boot light stays on", NOW), question("how to fold the seats", NOW + 1,
                                                             "declined")]
    for one in asked:
        await storage.unanswered.add(one)
    assert await storage.unanswered.since() == asked
    assert await storage.unanswered.since(NOW + 1) == asked[1:]


async def test_forgetting_a_chat_deletes_what_is_kept_about_it_and_keeps_other_chats(
        storage: Storage, backend: Backend) -> None:
    for chat in (1, 2):
        await storage.chats.save(chat, ChatState(language="en", car="J11"))
        await storage.activity.seen(chat, NOW)
        await storage.feedback.rate(chat, "answer.lid-button", "down", NOW)
        await storage.feedback.comment(chat, Comment("answer.lid-button", f"chat {chat}",
                                                     "en", NOW))
        await storage.pictures.remember(f"fuse-box.{chat}", f"file-{chat}", chat)
    await storage.forget_chat(1)

    assert await storage.chats.load(1) == ChatState()
    assert await storage.chats.load(2) == ChatState(language="en", car="J11")
    assert await storage.activity.count_since(0) == 1
    assert [c.text for c in await storage.feedback.comments()] == ["chat 2"]
    assert await storage.pictures.file_id("fuse-box.1") is None  # uploaded afresh next time
    assert await storage.pictures.file_id("fuse-box.2") == "file-2"
    # the rating still counts, but nothing ties it to the chat: rating again adds one
    assert await storage.feedback.ratings() == {("answer.lid-button", "down"): 2}
    await storage.feedback.rate(1, "answer.lid-button", "up", NOW)
    assert await storage.feedback.ratings() == {("answer.lid-button", "down"): 2,
                                                ("answer.lid-button", "up"): 1}
    assert backend.rows("feedback_rating", chat_id=1) == 1  # only the new rating


async def test_chat_ids_beyond_32_bits_are_kept_and_forgotten(storage: Storage,
                                                              backend: Backend) -> None:
    """A supergroup's id and today's newest user ids do not fit in 32 bits."""
    supergroup, user = -1_001_234_567_890, 8_123_456_789
    for chat in (supergroup, user):
        await storage.activity.seen(chat, NOW)
        await storage.feedback.rate(chat, "end", "up", NOW)
        await storage.feedback.comment(chat, Comment("end", "thanks", "en", NOW))
    await storage.forget_chat(user)
    assert await storage.activity.count_since(0) == 1
    assert backend.rows("feedback_comment", chat_id=supergroup) == 1
    assert backend.rows("feedback_rating", chat_id=user) == 0
    assert await storage.feedback.ratings() == {("end", "up"): 2}


async def test_expiry_deletes_what_people_wrote_before_it_and_unties_older_ratings(
        storage: Storage) -> None:
    await storage.unanswered.add(question("old question", NOW - 91 * DAY))
    await storage.unanswered.add(question("recent question", NOW - 89 * DAY))
    await storage.feedback.comment(7, Comment("end", "old comment", "en", NOW - 91 * DAY))
    await storage.feedback.comment(7, Comment("end", "recent comment", "en", NOW - DAY))
    await storage.feedback.rate(7, "end", "down", NOW - 91 * DAY)
    await storage.expire(NOW - 90 * DAY)

    assert [q.text for q in await storage.unanswered.since()] == ["recent question"]
    assert [c.text for c in await storage.feedback.comments()] == ["recent comment"]
    assert await storage.feedback.ratings() == {("end", "down"): 1}
    await storage.feedback.rate(7, "end", "down", NOW)  # untied: a new one adds
    assert await storage.feedback.ratings() == {("end", "down"): 2}


async def test_a_question_asked_again_in_the_same_words_is_kept_once_and_counted(
        storage: Storage, backend: Backend) -> None:
    for minutes in (1, 2, 3):
        await storage.unanswered.add(question("boot light", NOW + 60 * minutes))
    await storage.unanswered.add(replace(question("boot light", NOW), language="ru"))
    kept = await storage.unanswered.since()
    assert [(q.text, q.language, q.times, q.asked_at) for q in kept] == [
        ("boot light", "ru", 1, NOW), ("boot light", "en", 3, NOW + 180)]
    assert backend.rows("unanswered_question") == 2


async def test_a_wording_kept_twice_before_counting_is_counted_on_one_row(
        storage: Storage, backend: Backend) -> None:
    """As a store from before issue 18 has them, or a release before it running beside."""
    for at in (NOW, NOW + 1):
        backend.insert_old_question("boot light", at)
    await storage.unanswered.add(question("boot light", NOW + 5))
    kept = [(q.text, q.times) for q in await storage.unanswered.since()]
    assert kept == [("boot light", 1), ("boot light", 2)], "3 in all, as asked"


async def test_beyond_the_cap_the_least_recently_asked_questions_go(storage: Storage) -> None:
    for n in range(5):
        await storage.unanswered.add(question(f"question {n}", NOW + n))
    await storage.expire(NOW - 90 * DAY, keep_questions=3)
    assert [q.text for q in await storage.unanswered.since()] == [
        "question 2", "question 3", "question 4"]
    await storage.expire(NOW - 90 * DAY, keep_questions=10)
    assert len(await storage.unanswered.since()) == 3, "fewer than the cap: all stay"


async def test_a_new_database_records_its_schema_version(tmp_path: Path) -> None:
    await SqliteStorage(tmp_path).close()
    with sqlite3.connect(tmp_path / DATABASE_NAME) as db:
        assert db.execute("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]


async def test_a_database_from_before_versions_keeps_its_chats_and_gains_the_new_tables(
        tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / DATABASE_NAME) as db:  # what the bot wrote before issue 10
        db.executescript("""
            CREATE TABLE chat_state (chat_id INTEGER PRIMARY KEY, state TEXT NOT NULL,
                                     updated_at REAL NOT NULL);
            CREATE TABLE handled_update (update_id INTEGER PRIMARY KEY,
                                         handled_at REAL NOT NULL);
            CREATE TABLE set_aside_update (update_id INTEGER PRIMARY KEY, payload TEXT NOT NULL);
            INSERT INTO chat_state VALUES (5, '{"language": "ru", "car": "J10"}', 0);
        """)
    storage = SqliteStorage(tmp_path)
    try:
        assert await storage.chats.load(5) == ChatState(language="ru", car="J10")
        await storage.activity.seen(5, NOW)
        assert await storage.activity.count_since(0) == 1
    finally:
        await storage.close()


async def test_a_database_from_a_newer_bot_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / DATABASE_NAME
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        db.execute("INSERT INTO schema_version VALUES (?)", (SCHEMA_VERSION + 1,))
    with pytest.raises(StorageError) as caught:
        SqliteStorage(tmp_path)
    assert str(path) in str(caught.value) and "newer" in str(caught.value)
    with sqlite3.connect(path) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    assert tables == {"schema_version"}
