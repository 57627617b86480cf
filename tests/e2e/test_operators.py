"""For the people who run the bot, end to end: the real bot (Runner, python-telegram-bot,
SQLite) over real HTTP against the local Bot API server. Feedback as an owner gives it; /stats
and /unanswered for an admin and for anyone else; the admins' own command menu; /forget; and
/metrics fetched over HTTP in polling and in webhook mode."""

from __future__ import annotations

import asyncio
import csv
import io
import os
import re
import socket
import sqlite3
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.cli.startup import Loaded
from bot.config import Settings
from bot.dialog.state import ChatState
from bot.records import unanswered
from bot.storage import SqliteStorage
from bot.storage.sqlite import DATABASE_NAME
from bot.telegram.wiring import Runner
from tests.e2e.conftest import User, button_data, chats_of
from tests.e2e.test_process_lifecycle import ROOT
from tests.e2e.test_webhook import SECRET, free_port
from tests.fake_telegram import FakeTelegram, ScopeKey
from tests.fake_telegram.views import BotMessageView
from tests.unit.clocks import Clock

ADMIN = 4100
OWNER = 4200
FOB_QUESTION = "which battery does the key fob take"


def settings_for(server: FakeTelegram, data_dir: Path, **more: object) -> Settings:
    return Settings(token=server.token, api_url=server.base_url, data_dir=data_dir,
                    log_level=20, admin_chat_ids=frozenset({ADMIN}), **more)  # type: ignore[arg-type]


@pytest.fixture
async def bot(server: FakeTelegram, loaded: Loaded, tmp_path: Path) -> AsyncIterator[Runner]:
    """Polling, with ADMIN in ADMIN_CHAT_IDS and /metrics on a port of its own."""
    server.add_chat(ADMIN)  # the admin has written to the bot before
    runner = Runner(settings_for(server, tmp_path / "data", metrics_port=0),
                    chats_of(loaded), long_poll_seconds=1)
    await runner.start()
    yield runner
    await runner.stop()


@pytest.fixture
def admin(server: FakeTelegram, bot: Runner) -> User:
    return User(server, chat_id=ADMIN)


@pytest.fixture
def owner(server: FakeTelegram, bot: Runner) -> User:
    return User(server, chat_id=OWNER)


async def tap(server: FakeTelegram, user: User, message: BotMessageView, label: str
              ) -> BotMessageView:
    """Taps and returns the tapped message as it is once the bot has edited it."""
    query = server.user_taps(user.chat_id, message.message_id, button_data(message, label))
    await server.wait_for_callback_answer(query)
    return await server.wait_for_edit(user.chat_id, message.message_id)


async def fetch(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, await response.text()


def sample(body: str, line_start: str) -> float:
    found = re.search(rf"^{re.escape(line_start)} ([0-9.e+]+)$", body, re.MULTILINE)
    assert found, f"no {line_start} in /metrics"
    return float(found.group(1))


# -- feedback -------------------------------------------------------------------------------------


async def test_a_thumbs_up_is_one_tap_on_the_answer_itself(server: FakeTelegram, owner: User,
                                                           bot: Runner) -> None:
    (answer,) = await owner.send(FOB_QUESTION)
    assert "👍 Helpful" in answer.button_texts and "👎 Not helpful" in answer.button_texts
    rated = await tap(server, owner, answer, "👍")
    assert rated.text is not None and answer.text is not None
    assert rated.text.startswith(answer.text) and "Thanks" in rated.text
    assert not [label for label in rated.button_texts if "👍" in label or "👎" in label]
    assert len(server.bot_messages(OWNER)) == 1, "no extra message pushed the answer up"
    assert bot.storage is not None
    assert await bot.storage.feedback.ratings() == {("answer.faq-fob-battery", "up"): 1}


async def test_an_answer_shown_as_a_photo_is_rated_in_its_caption(
        server: FakeTelegram, owner: User, bot: Runner) -> None:
    (answer,) = await owner.send("how does the opener above the number plate work")
    assert answer.photo is not None and "👍 Helpful" in answer.button_texts
    rated = await tap(server, owner, answer, "👍")
    assert rated.photo == answer.photo, "the picture stays; only the caption changes"
    assert rated.caption is not None and rated.caption.endswith("Thanks for letting me know!")
    assert not [label for label in rated.button_texts if "👍" in label]


async def test_a_thumbs_down_asks_what_went_wrong_in_russian_and_keeps_the_comment(
        server: FakeTelegram, bot: Runner) -> None:
    owner = User(server, chat_id=OWNER + 1, language_code="ru")
    (answer,) = await owner.send("какая батарейка в брелоке")
    asked = await tap(server, owner, answer, "👎")
    assert asked.text is not None and "Что пошло не так?" in asked.text
    assert "Пропустить" in asked.button_texts
    (thanks,) = await owner.send("у меня ключ без крышки")
    assert thanks.text is not None and "Спасибо, записал" in thanks.text
    assert bot.storage is not None
    (comment,) = await bot.storage.feedback.comments()
    assert (comment.subject, comment.text, comment.language) == (
        "answer.faq-fob-battery", "у меня ключ без крышки", "ru")
    (again,) = await owner.send("какая батарейка в брелоке")
    assert again.text == answer.text, "and the conversation carries on as before"


async def test_the_end_of_a_walk_is_rated_on_its_own_message(server: FakeTelegram, owner: User,
                                                             bot: Runner) -> None:
    (step,) = await owner.send("boot wont open")
    worked = await owner.tap(step, "It opened")
    assert "👍 Helpful" in worked.button_texts
    await tap(server, owner, worked, "👎")
    assert bot.storage is not None
    ratings = await bot.storage.feedback.ratings()
    assert [rating for (screen, rating) in ratings if screen.startswith("worked.")] == ["down"]


# -- admins ---------------------------------------------------------------------------------------


async def test_an_admin_gets_the_stats_and_anyone_else_the_help_with_no_hint(
        server: FakeTelegram, admin: User, owner: User, loaded: Loaded) -> None:
    (answer,) = await owner.send(FOB_QUESTION)
    await tap(server, owner, answer, "👍")
    await owner.send("boot problem")
    await owner.send("how do I change the oil")

    (report,) = await admin.send("/stats")
    text = report.text or ""
    assert text.startswith("📊 Stats")
    assert "Chats: 1 today · 1 in 7 days · 1 in all" in text  # the admin's /stats is no chat
    assert "answered: 1 · 1 · 1" in text and "declined: 1 · 1 · 1" in text
    assert "“did you mean”: 1 · 1 · 1" in text
    assert "faq-fob-battery: 1 · 1 · 0 · 0" in text
    assert "boot problem → overview" in text
    assert any(e["type"] == "bold" for e in report.entities)

    (help_reply,) = await owner.send("/help")
    for command in ("/stats", "/unanswered", "/STATS@fake_test_bot"):
        (reply,) = await owner.send(command)
        assert reply.text == help_reply.text
    assert "stats" not in (help_reply.text or "") and "unanswered" not in (help_reply.text or "")


async def test_an_admin_gets_the_unanswered_questions_as_a_csv_document(
        server: FakeTelegram, admin: User, owner: User) -> None:
    (none_yet,) = await admin.send("/unanswered")
    assert none_yet.text == "No unanswered questions in the last 90 days."
    await owner.send("boot problem")
    await owner.send("где заправить кондиционер")

    (document,) = await admin.send("/unanswered")
    assert document.document is not None and document.photo is None
    assert re.fullmatch(r"unanswered-\d{4}-\d{2}-\d{2}\.csv", document.document["file_name"])
    assert document.caption == "2 questions I couldn't answer, last 90 days"
    rows = list(csv.DictReader(io.StringIO(
        server.file_content(document.document["file_id"]).decode("utf-8-sig"))))
    assert [(r["question"], r["language"], r["outcome"]) for r in rows] == [
        ("boot problem", "en", "did_you_mean"), ("где заправить кондиционер", "ru", "declined")]
    assert rows[0]["nearest"] == "overview" and float(rows[0]["nearest_score"]) > 0.3
    assert str(OWNER) not in server.file_content(document.document["file_id"]).decode()

    (help_reply,) = await owner.send("/unanswered")
    assert help_reply.document is None and "/menu" in (help_reply.text or "")


async def test_unanswered_questions_come_in_files_telegram_takes(
        server: FakeTelegram, admin: User, owner: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pages under Telegram's 50 MB, here under 230 bytes so that three questions make
    several; a question asked twice is one row, counted."""
    monkeypatch.setattr(unanswered, "PAGE_BYTES", 230)
    for question in ("boot problem", "qwerty uiop", "boot problem", "где заправить фреон"):
        await owner.send(question)
    documents = await admin.send("/unanswered", count=3)
    names = [d.document["file_name"] for d in documents if d.document]
    assert len(names) == 3 and names[1].endswith("-2.csv") and names[2].endswith("-3.csv")
    rows = []
    for document in documents:
        assert document.document is not None and document.document["file_size"] <= 230
        rows += list(csv.DictReader(io.StringIO(
            server.file_content(document.document["file_id"]).decode("utf-8-sig"))))
    assert [(r["question"], r["times"]) for r in rows] == [
        ("qwerty uiop", "1"), ("boot problem", "2"), ("где заправить фреон", "1")]
    assert documents[0].caption == "4 questions I couldn't answer, last 90 days"


async def test_admin_commands_are_only_in_each_admins_own_menu(server: FakeTelegram,
                                                                bot: Runner) -> None:
    def names(scope: ScopeKey | None, language: str) -> list[str]:
        return [c["command"] for c in server.commands_for(scope, language) or []]

    for language in ("", "ru"):
        public = names(None, language)
        assert "forget" in public and "stats" not in public and "unanswered" not in public
        own = names(ScopeKey("chat", ADMIN), language)
        assert own == [*public, "stats", "unanswered"]
    assert "Статистика" in str(server.commands_for(ScopeKey("chat", ADMIN), "ru"))


async def test_an_admin_who_never_wrote_to_the_bot_does_not_stop_it(
        server: FakeTelegram, loaded: Loaded, tmp_path: Path) -> None:
    runner = Runner(settings_for(server, tmp_path / "data"), chats_of(loaded),
                    long_poll_seconds=1)
    await runner.start()  # ADMIN is unknown to Telegram: its menu cannot be set yet
    try:
        assert [r.description for r in server.rejections] == ["Bad Request: chat not found"]
        server.rejections.clear()
        server.user_sends(ADMIN, "/stats")
        report = await server.wait_for_bot_message(ADMIN)
        assert (report.text or "").startswith("📊 Stats")
    finally:
        await runner.stop()


@pytest.mark.parametrize(("name", "value"), [("ADMIN_CHAT_IDS", "@alice"),
                                             ("METRICS_PORT", "ninety"),
                                             ("UNANSWERED_RETENTION_DAYS", "-3")])
async def test_a_malformed_setting_stops_start_up_naming_it_and_loses_no_update(
        server: FakeTelegram, tmp_path: Path, name: str, value: str) -> None:
    server.user_sends(OWNER, FOB_QUESTION)
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": server.token,
           "TELEGRAM_API_URL": server.base_url, "BOT_DATA_DIR": str(tmp_path), name: value}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    output, _ = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 2
    assert output.decode().startswith(f"configuration error: {name}")
    assert len(server.pending_updates) == 1, "Telegram still holds the owner's question"
    assert server.calls == [], "the bot never started"


async def test_a_metrics_port_already_taken_stops_start_up_naming_it_and_loses_no_update(
        server: FakeTelegram, tmp_path: Path) -> None:
    server.user_sends(OWNER, FOB_QUESTION)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {**os.environ, "TELEGRAM_BOT_TOKEN": server.token,
               "TELEGRAM_API_URL": server.base_url, "BOT_DATA_DIR": str(tmp_path),
               "METRICS_LISTEN": "127.0.0.1", "METRICS_PORT": str(port)}
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", cwd=ROOT, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
        output, _ = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 2
    lines = output.decode().splitlines()
    assert f"configuration error: METRICS_PORT={port}: cannot listen" in lines[-1]
    assert "Traceback" not in output.decode()
    assert len(server.pending_updates) == 1, "Telegram still holds the owner's question"


# -- privacy --------------------------------------------------------------------------------------


async def test_forget_deletes_the_chat_and_the_next_message_starts_fresh(
        server: FakeTelegram, owner: User, bot: Runner) -> None:
    await owner.send("/car")
    car_question = server.bot_messages(OWNER)[-1]
    await owner.tap(car_question, "J11")
    (answer,) = await owner.send(FOB_QUESTION)
    await tap(server, owner, answer, "👎")
    await owner.send("mine has no cover")
    assert bot.storage is not None
    assert (await bot.storage.chats.load(OWNER)).car == "J11"

    (done,) = await owner.send("/forget")
    assert (done.text or "").startswith("Done: I've deleted everything I kept about this chat")
    assert await bot.storage.chats.load(OWNER) == ChatState()
    assert await bot.storage.feedback.comments() == []
    assert await bot.storage.activity.count_since(0) == 0
    assert await bot.storage.feedback.ratings() == {("answer.faq-fob-battery", "down"): 1}

    _, menu = await owner.send("/start", count=2)
    assert "J11" not in (menu.text or ""), "the car is forgotten"


async def test_after_forget_no_file_of_the_store_holds_what_was_written(
        server: FakeTelegram, owner: User, bot: Runner, tmp_path: Path) -> None:
    """Not the tables only: the database file and its write-ahead log, which only the bot's
    user may read."""
    words = "the hatch on plate ZX-4471 sticks"
    (answer,) = await owner.send(FOB_QUESTION)
    await tap(server, owner, answer, "👎")
    await owner.send(words)
    data = tmp_path / "data"
    files = sorted(data.glob(f"{DATABASE_NAME}*"))

    def holding() -> list[str]:
        return [f.name for f in files if words.encode() in f.read_bytes()]

    assert holding(), "kept until /forget"
    await owner.send("/forget")
    assert holding() == []
    assert {f.name: oct(f.stat().st_mode & 0o777) for f in files} == {
        f.name: "0o600" for f in files}
    assert oct(data.stat().st_mode & 0o777) == "0o700"


async def test_handled_update_ids_two_days_old_are_gone_once_the_bot_has_started(
        server: FakeTelegram, loaded: Loaded, tmp_path: Path) -> None:
    """However quiet the bot was: nothing needs to arrive for the old to go."""
    three_days_ago = Clock(time.time() - 3 * 24 * 3600)
    store = SqliteStorage(tmp_path / "data", clock=three_days_ago)
    for update_id in range(1, 101):
        await store.journal.mark_handled(update_id)
    await store.close()
    server.add_chat(ADMIN)
    runner = Runner(settings_for(server, tmp_path / "data"), chats_of(loaded),
                    long_poll_seconds=1)
    await runner.start()
    try:
        with sqlite3.connect(tmp_path / "data" / DATABASE_NAME) as db:
            assert db.execute("SELECT COUNT(*) FROM handled_update").fetchone() == (0,)
    finally:
        await runner.stop()


# -- metrics --------------------------------------------------------------------------------------


async def test_metrics_count_the_conversation_and_name_no_chat(owner: User, bot: Runner) -> None:
    assert bot.metrics_server is not None
    url = f"http://127.0.0.1:{bot.metrics_server.port}"
    _, before = await fetch(f"{url}/metrics")
    await owner.send(FOB_QUESTION)
    await owner.send("boot problem")
    status, body = await fetch(f"{url}/metrics")
    assert status == 200
    for line in ('trunk_bot_questions_total{outcome="answered"}',
                 'trunk_bot_questions_total{outcome="did_you_mean"}',
                 'trunk_bot_updates_total{kind="text"}',
                 'trunk_bot_replies_total{how="sent",kind="answer"}',
                 "trunk_bot_update_seconds_count"):
        assert sample(body, line) >= sample(before, line) + 1, line
    assert sample(body, 'trunk_bot_active_chats{period="day"}') == 1
    assert str(OWNER) not in body and "tailgate" not in body
    assert (await fetch(f"{url}/health"))[0] == 200


@pytest.fixture
async def webhook_runner(server: FakeTelegram, loaded: Loaded, tmp_path: Path,
                         request: pytest.FixtureRequest) -> AsyncIterator[Runner]:
    port = free_port()
    server.add_chat(ADMIN)
    runner = Runner(settings_for(
        server, tmp_path / "data", webhook_url=f"http://127.0.0.1:{port}/telegram/hook",
        webhook_listen="127.0.0.1", webhook_port=port, webhook_secret=SECRET,
        metrics_port=request.param), chats_of(loaded))
    await runner.start()
    yield runner
    await runner.stop()


@pytest.mark.parametrize("webhook_runner", [None], indirect=True)
async def test_metrics_are_never_on_the_public_webhook_port(
        server: FakeTelegram, webhook_runner: Runner) -> None:
    """A proxy that forwards every path would make them public: unset, there is no /metrics
    at all; /health still answers there."""
    server.user_sends(OWNER, FOB_QUESTION)
    assert await server.deliver_webhook() == 200
    await server.wait_for_bot_message(OWNER)
    assert webhook_runner.metrics_server is None
    webhook = f"http://127.0.0.1:{webhook_runner.settings.webhook_port}"
    assert (await fetch(f"{webhook}/metrics"))[0] == 404
    assert (await fetch(f"{webhook}/health"))[0] == 200


@pytest.mark.parametrize("webhook_runner", [0], indirect=True)
async def test_in_webhook_mode_metrics_are_on_metrics_port_only(
        server: FakeTelegram, webhook_runner: Runner) -> None:
    assert webhook_runner.metrics_server is not None
    server.user_sends(OWNER, FOB_QUESTION)
    assert await server.deliver_webhook() == 200
    await server.wait_for_bot_message(OWNER)
    webhook_port = webhook_runner.settings.webhook_port
    assert (await fetch(f"http://127.0.0.1:{webhook_port}/metrics"))[0] == 404
    status, body = await fetch(f"http://127.0.0.1:{webhook_runner.metrics_server.port}/metrics")
    assert status == 200 and sample(body, 'trunk_bot_updates_total{kind="text"}') >= 1
