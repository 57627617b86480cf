"""What the people who run the bot read: the unanswered questions grouped, as CSV and as YAML
phrasings; the /stats report; and both from the command line, reading BOT_DATA_DIR or
DATABASE_URL (each backend in turn)."""

from __future__ import annotations

import asyncio
import csv
import io
import time
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from bot.cli.main import main
from bot.dialog.effects import Question
from bot.knowledge import Knowledge
from bot.records import stats, unanswered
from bot.records.recorder import DAY, Tally, day_of
from bot.storage import Storage
from bot.storage.interface import Candidate, UnansweredQuestion
from tests.storage_backends import Backend, PostgresBackend

NOW = 1_764_322_200.0  # 2025-11-28 09:30 UTC


def asked(text: str, nearest: str | None, *, language: str = "en", ago: float = 0.0,
          outcome: str = "did_you_mean") -> UnansweredQuestion:
    candidates = (Candidate(nearest, 0.41), Candidate("overview", 0.33)) if nearest else ()
    return UnansweredQuestion(text, language, outcome, candidates, NOW - ago)


QUESTIONS = [
    asked("boot light stays on", "faq-wont-close", ago=300),
    asked("Boot  light stays ON", "faq-wont-close", ago=200),
    asked("подсветка багажника не гаснет", "faq-wont-close", language="ru", ago=100),
    asked("how do I change the oil", None, outcome="declined", ago=50),
    asked("key trouble", "key-fob", ago=10),
]


def test_questions_are_grouped_by_nearest_entry_most_frequent_first() -> None:
    groups = unanswered.grouped(QUESTIONS)
    assert [(g.nearest, g.count) for g in groups] == [
        ("faq-wont-close", 3), ("key-fob", 1), (unanswered.NO_ENTRY, 1)]
    first = groups[0].asked
    assert [(a.text, a.language, a.count) for a in first] == [
        ("boot light stays on", "en", 2), ("подсветка багажника не гаснет", "ru", 1)]
    assert unanswered.listing(groups)[:2] == ["faq-wont-close  3",
                                              "     2  [en] boot light stays on"]


def test_the_csv_opens_in_a_spreadsheet_with_cyrillic_intact_and_no_formulas() -> None:
    sneaky = asked("=HYPERLINK(\"http://x\")", None, outcome="declined")
    data = b"".join(unanswered.as_csv([*QUESTIONS, sneaky]))
    assert data.startswith("\ufeff".encode())  # a byte order mark: Excel reads UTF-8
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert list(rows[0]) == list(unanswered.CSV_COLUMNS)
    assert rows[0]["asked_at_utc"] == "2025-11-28 09:25:00"
    assert (rows[0]["nearest"], rows[0]["nearest_score"]) == ("faq-wont-close", "0.410")
    assert rows[0]["candidates"] == "faq-wont-close:0.410 overview:0.330"
    assert rows[2]["question"] == "подсветка багажника не гаснет"
    assert rows[3]["nearest"] == "" and rows[3]["outcome"] == "declined"
    assert rows[-1]["question"] == "'=HYPERLINK(\"http://x\")"


@given(st.text(alphabet=",;\t|\r\n =+-@\"'abcЯ1", max_size=30))
def test_no_cell_is_a_formula_however_a_spreadsheet_splits_the_lines(question: str) -> None:
    """A locale that splits a CSV on ';' or a tab sees cells the file's commas do not."""
    data = b"".join(unanswered.as_csv([asked(question, None, outcome="declined")])).decode(
        "utf-8-sig")
    for delimiter in ",;\t|":
        for row in csv.reader(io.StringIO(data, newline=""), delimiter=delimiter):
            for cell in row:
                assert not cell.lstrip(" ").startswith(("=", "+", "-", "@")), (delimiter, row)


def test_a_wording_asked_again_counts_as_often_as_it_was_asked() -> None:
    groups = unanswered.grouped([replace(QUESTIONS[-1], times=4), QUESTIONS[0]])
    assert [(g.nearest, g.count) for g in groups] == [("key-fob", 4), ("faq-wont-close", 1)]
    rows = list(csv.DictReader(io.StringIO(b"".join(unanswered.as_csv(
        [replace(QUESTIONS[-1], times=4)])).decode("utf-8-sig"))))
    assert rows[0]["times"] == "4"


def test_the_export_comes_in_pages_each_a_whole_csv_under_the_size_given() -> None:
    questions = [asked(f"question number {n} " + "я" * 40, "key-fob", ago=1000 - n)
                 for n in range(200)]
    pages = list(unanswered.as_csv_pages(questions, page_bytes=4096))
    assert len(pages) > 3 and all(len(page) <= 4096 for page in pages)
    rows = []
    for page in pages:
        assert page.startswith("\ufeff".encode())
        rows += list(csv.DictReader(io.StringIO(page.decode("utf-8-sig"))))
    assert [r["question"] for r in rows] == [q.text for q in questions], "each once, in order"


def test_the_yaml_has_the_shape_of_an_entrys_phrasings(knowledge: Knowledge) -> None:
    text = unanswered.as_phrasings(unanswered.grouped(QUESTIONS))
    assert text.startswith("# ")
    parsed = yaml.safe_load(text)
    assert parsed["faq-wont-close"] == {"en": ["boot light stays on"],
                                        "ru": ["подсветка багажника не гаснет"]}
    assert parsed["no-entry-near"] == {"en": ["how do I change the oil"]}
    assert set(parsed) - {"no-entry-near"} <= set(knowledge.entries)


async def filled(storage: Storage, now: float = NOW) -> Storage:
    """A week of a small bot's life, up to `now`."""
    today, earlier = day_of(now), day_of(now - 3 * DAY)
    for chat, seen in ((1, now), (2, now - 3 * DAY), (3, now - 30 * DAY)):
        await storage.activity.seen(chat, seen)
    await storage.tallies.add(today, {
        (Tally.question(Question.ANSWERED), ""): 2, (Tally.ANSWER_SHOWN, "faq-fob-battery"): 4,
        (Tally.ANSWER_SHOWN, "lid-button"): 1, (Tally.COMMENT, "answer.faq-fob-battery"): 1,
        (Tally.WAY_OPENED, "key-fob"): 3, (Tally.NOTHING_WORKED, ""): 1})
    await storage.tallies.add(earlier, {
        (Tally.question(Question.ANSWERED), ""): 5, (Tally.question(Question.DECLINED), ""): 1,
        (Tally.WAY_STARTED, "key-fob"): 4})
    await storage.feedback.rate(1, "answer.faq-fob-battery", "up", NOW)
    await storage.feedback.rate(2, "answer.faq-fob-battery", "down", NOW)
    await storage.feedback.rate(1, "worked.key-fob", "up", NOW)
    await storage.feedback.rate(2, "end", "down", NOW)
    for question in [*QUESTIONS, asked("too old to list", None, ago=91 * DAY)]:
        await storage.unanswered.add(replace(question, asked_at=question.asked_at - NOW + now))
    return storage


async def test_stats_gather_every_figure_the_issue_asks_for(storage: Storage) -> None:
    figures = await stats.gather(await filled(storage), now=NOW, retention_days=90)
    assert figures.chats == (1, 2, 3)
    assert figures.questions[Question.ANSWERED] == (2, 7, 7)
    assert figures.questions[Question.DECLINED] == (0, 1, 1)
    assert figures.entries[0] == stats.EntryFigures("faq-fob-battery", 4, 1, 1, 1)
    assert figures.ways == (stats.WayFigures("key-fob", 4, 3, 1, 0, 0),)
    assert figures.nothing_worked == stats.EntryFigures("end", 1, 0, 1, 0)
    assert [q.text for q in figures.unanswered] == [q.text for q in reversed(QUESTIONS)]


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_the_report_reads_in_either_language(
        storage: Storage, knowledge: Knowledge, language: str) -> None:
    figures = await stats.gather(await filled(storage), now=NOW, retention_days=90)
    text = stats.plain_report(figures, knowledge, language)
    assert knowledge.ui("stats_chats", language, today=1, week=2, total=3) in text
    assert "faq-fob-battery: 4 · 1 · 1 · 1" in text
    assert "key-fob: 4 → 3 (75%) · 1 · 0 · 0" in text
    assert "[en] key trouble → key-fob 0.41" in text
    assert len(text) < stats.MAX_MESSAGE_CHARS


async def test_the_report_of_a_new_bot_says_none_yet(storage: Storage,
                                                     knowledge: Knowledge) -> None:
    text = stats.plain_report(await stats.gather(storage, now=NOW, retention_days=90),
                              knowledge, "en")
    assert text.count("none yet") == 3


@pytest.fixture
def kept(backend: Backend, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Backend:
    """The commands' environment pointing at the backend's store, as an operator sets it."""
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.delenv("UNANSWERED_RETENTION_DAYS", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    if isinstance(backend, PostgresBackend):
        monkeypatch.setenv("DATABASE_URL", backend.url)
        monkeypatch.setenv("BOT_DATA_DIR", str(tmp_path / "unused"))
    else:
        monkeypatch.setenv("BOT_DATA_DIR", str(tmp_path))
    return backend


def written(kept: Backend, *questions: UnansweredQuestion) -> None:
    """What a running bot would have written; the commands below run their own event loop."""
    async def write() -> None:
        store = await kept.open()
        try:
            if questions:
                for question in questions:
                    await store.unanswered.add(question)
            else:
                await filled(store, now=time.time())
        finally:
            await store.close()
    asyncio.run(write())


def test_the_stats_command_prints_the_report_from_the_store(
        kept: Backend, capsys: pytest.CaptureFixture[str]) -> None:
    written(kept)
    assert main(["stats"]) == 0
    printed = capsys.readouterr().out
    assert "📊" in printed and "faq-fob-battery: 4 · 1 · 1 · 1" in printed


def test_the_unanswered_command_lists_groups_and_writes_phrasings(
        kept: Backend, capsys: pytest.CaptureFixture[str]) -> None:
    written(kept)
    assert main(["unanswered"]) == 0
    listed = capsys.readouterr().out
    assert "faq-wont-close  3" in listed and "too old to list" not in listed
    assert main(["unanswered", "--yaml"]) == 0
    assert yaml.safe_load(capsys.readouterr().out)["key-fob"] == {"en": ["key trouble"]}
    assert main(["unanswered", "--csv"]) == 0


def test_unanswered_since_a_date_or_days_back(
        kept: Backend, capsys: pytest.CaptureFixture[str]) -> None:
    now = time.time()
    written(kept, UnansweredQuestion("last month", "en", "declined", (), now - 30 * DAY),
            UnansweredQuestion("yesterday", "en", "declined", (), now - DAY))
    assert main(["unanswered", "--since", "7d"]) == 0
    out = capsys.readouterr().out
    assert "yesterday" in out and "last month" not in out
    assert main(["unanswered", "--since", "2000-01-01"]) == 0
    assert "last month" in capsys.readouterr().out


def test_a_bad_since_is_refused_naming_the_forms(
        kept: Backend, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["unanswered", "--since", "last tuesday"])
    assert "2026-11-01" in capsys.readouterr().err


def test_a_store_without_bot_data_is_an_error_not_an_empty_report(
        kept: Backend, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats"]) == 1
    named = "DATABASE_URL" if isinstance(kept, PostgresBackend) else "BOT_DATA_DIR"
    said = capsys.readouterr().err
    assert "no bot data" in said and named in said
    assert kept.tables() == set(), "nothing was created"
