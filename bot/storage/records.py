"""The records of what the people who run the bot are told (interface.py: ChatActivity,
Tallies, FeedbackRecords, UnansweredQuestions): their tables, their statements (through a backend's
`Sql`, sql.py, like every table's) and what the retention period deletes.

No row holds a name or a user id; the chat ids in chat_activity, feedback_rating and
feedback_comment are what /forget deletes (tables.py: FORGET_CHAT).

A statement that adds (a count, a comment, a rating tied to no chat, one more asking of a
question) is marked `adds=True`: it is not made idempotent but runs at most once, never tried
again after a failure it cannot see the end of, so /stats may miss a turn when the database's
connection drops mid-statement but never counts one twice. Its failure reaches the recorder,
which logs it (bot/records/recorder.py).
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from bot.storage.interface import Candidate, Comment, UnansweredQuestion
from bot.storage.sql import Sql

# A migration step of each backend (sqlite.py, postgres_schema.py): released, so never edited;
# a change is a new step in both.
RECORDS_SCHEMA = """
CREATE TABLE IF NOT EXISTS chat_activity (
    chat_id BIGINT PRIMARY KEY,
    first_seen DOUBLE PRECISION NOT NULL,
    last_seen DOUBLE PRECISION NOT NULL
);
CREATE INDEX IF NOT EXISTS chat_activity_last_seen ON chat_activity (last_seen);
CREATE TABLE IF NOT EXISTS daily_tally (
    day TEXT NOT NULL,
    name TEXT NOT NULL,
    subject TEXT NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (day, name, subject)
);
CREATE TABLE IF NOT EXISTS feedback_rating (
    chat_id BIGINT,
    subject TEXT NOT NULL,
    rating TEXT NOT NULL,
    rated_at DOUBLE PRECISION NOT NULL,
    UNIQUE (chat_id, subject)
);
CREATE TABLE IF NOT EXISTS feedback_comment (
    chat_id BIGINT,
    subject TEXT NOT NULL,
    comment TEXT NOT NULL,
    language TEXT NOT NULL,
    written_at DOUBLE PRECISION NOT NULL
);
CREATE INDEX IF NOT EXISTS feedback_comment_written_at ON feedback_comment (written_at);
CREATE TABLE IF NOT EXISTS unanswered_question (
    question TEXT NOT NULL,
    language TEXT NOT NULL,
    outcome TEXT NOT NULL,
    candidates TEXT NOT NULL,
    asked_at DOUBLE PRECISION NOT NULL
);
CREATE INDEX IF NOT EXISTS unanswered_question_asked_at ON unanswered_question (asked_at);
"""

# A later step: an unanswered question is kept once per wording and language, with a count.
# It only adds (a column with a default, an index), so the release before keeps working
# beside it; rows from before count once each, and the reports add up repeated wordings.
UNANSWERED_COUNTED_SCHEMA = """
ALTER TABLE unanswered_question ADD COLUMN times BIGINT NOT NULL DEFAULT 1;
CREATE INDEX IF NOT EXISTS unanswered_question_wording ON unanswered_question (question,
                                                                               language);
"""

# The retention period's end (Storage.expire).
EXPIRE = (
    "DELETE FROM unanswered_question WHERE asked_at < ?",
    "DELETE FROM feedback_comment WHERE written_at < ?",
    "UPDATE feedback_rating SET chat_id = NULL WHERE chat_id IS NOT NULL AND rated_at < ?",
)
# Beyond so many wordings, the least recently asked go (none while there are fewer).
KEEP_LATEST_QUESTIONS = (
    "DELETE FROM unanswered_question WHERE asked_at < (SELECT asked_at FROM "
    "unanswered_question ORDER BY asked_at DESC LIMIT 1 OFFSET ?)")


class SqlChatActivity:
    def __init__(self, sql: Sql) -> None:
        self._sql = sql

    async def seen(self, chat_id: int, at: float) -> None:
        await self._sql.execute(
            "INSERT INTO chat_activity (chat_id, first_seen, last_seen) VALUES (?, ?, ?) "
            "ON CONFLICT (chat_id) DO UPDATE SET last_seen = excluded.last_seen",
            (chat_id, at, at))

    async def count_since(self, since: float) -> int:
        rows = await self._sql.fetch("SELECT COUNT(*) FROM chat_activity WHERE last_seen >= ?",
                                     (since,))
        return int(rows[0][0])


class SqlTallies:
    def __init__(self, sql: Sql) -> None:
        self._sql = sql

    async def add(self, day: str, counts: Mapping[tuple[str, str], int]) -> None:
        """At most once: the upsert adds to the counts, so it is never run again blindly."""
        if not counts:
            return
        # One statement, so one transaction and one round trip, however many counts; rows in
        # key order, so replicas adding to the same rows lock them in the same order and
        # never deadlock.
        values = ", ".join(["(?, ?, ?, ?)"] * len(counts))
        await self._sql.execute(
            f"INSERT INTO daily_tally (day, name, subject, count) VALUES {values} "
            "ON CONFLICT (day, name, subject) DO UPDATE SET count = daily_tally.count + "
            "excluded.count",
            [value for (name, subject), count in sorted(counts.items())
             for value in (day, name, subject, count)], adds=True)

    async def totals(self, since_day: str = "") -> dict[tuple[str, str], int]:
        rows = await self._sql.fetch(
            "SELECT name, subject, SUM(count) FROM daily_tally WHERE day >= ? "
            "GROUP BY name, subject", (since_day,))
        return {(name, subject): int(total) for name, subject, total in rows}


class SqlFeedback:
    def __init__(self, sql: Sql) -> None:
        self._sql = sql

    async def rate(self, chat_id: int | None, subject: str, rating: str, at: float) -> None:
        # A NULL chat never conflicts (NULLs are distinct in a UNIQUE on both): it adds one.
        await self._sql.execute(
            "INSERT INTO feedback_rating (chat_id, subject, rating, rated_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (chat_id, subject) DO UPDATE SET "
            "rating = excluded.rating, rated_at = excluded.rated_at",
            (chat_id, subject, rating, at), adds=chat_id is None)

    async def ratings(self) -> dict[tuple[str, str], int]:
        rows = await self._sql.fetch("SELECT subject, rating, COUNT(*) FROM feedback_rating "
                                     "GROUP BY subject, rating")
        return {(subject, rating): int(count) for subject, rating, count in rows}

    async def comment(self, chat_id: int | None, comment: Comment) -> None:
        await self._sql.execute(
            "INSERT INTO feedback_comment (chat_id, subject, comment, language, written_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (chat_id, comment.subject, comment.text, comment.language, comment.written_at),
            adds=True)

    async def comments(self, since: float = 0.0) -> list[Comment]:
        rows = await self._sql.fetch(
            "SELECT subject, comment, language, written_at FROM feedback_comment "
            "WHERE written_at >= ? ORDER BY written_at", (since,))
        return [Comment(subject, text, language, written_at)
                for subject, text, language, written_at in rows]


class SqlUnansweredQuestions:
    def __init__(self, sql: Sql) -> None:
        self._sql = sql

    async def add(self, question: UnansweredQuestion) -> None:
        """Counted if the wording is kept already, else added. Two statements, no
        transaction: two replicas adding one new wording at once may keep it twice, which
        the reports add up like any repeated wording."""
        candidates = json.dumps([[c.entry_id, c.score] for c in question.candidates])
        wording = (question.text, question.language)
        await self._sql.execute(  # the latest row only: rows from before may repeat it
            "UPDATE unanswered_question SET times = times + ?, asked_at = ?, outcome = ?, "
            "candidates = ? WHERE question = ? AND language = ? AND asked_at = (SELECT "
            "MAX(asked_at) FROM unanswered_question WHERE question = ? AND language = ?)",
            (question.times, question.asked_at, question.outcome, candidates, *wording,
             *wording), adds=True)
        await self._sql.execute(
            "INSERT INTO unanswered_question (question, language, outcome, candidates, "
            "asked_at, times) SELECT ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM "
            "unanswered_question WHERE question = ? AND language = ?)",
            (*wording, question.outcome, candidates, question.asked_at, question.times,
             *wording))

    async def since(self, since: float = 0.0) -> list[UnansweredQuestion]:
        rows = await self._sql.fetch(
            "SELECT question, language, outcome, candidates, asked_at, times FROM "
            "unanswered_question WHERE asked_at >= ? ORDER BY asked_at", (since,))
        return [UnansweredQuestion(text, language, outcome, _candidates(candidates), asked_at,
                                   int(times))
                for text, language, outcome, candidates, asked_at, times in rows]


def _candidates(stored: str) -> tuple[Candidate, ...]:
    """A damaged cell costs that question its candidates, never the listing."""
    try:
        return tuple(Candidate(str(entry), float(score)) for entry, score in json.loads(stored))
    except (ValueError, TypeError):
        return ()
