"""`python -m bot run` starting, as an operator meets it: Telegram not answering yet, the
start-up line, `health` from the first second, `--version`, polling again after webhook
mode, and a data directory that cannot be used."""

from __future__ import annotations

import asyncio
import contextlib
import importlib.metadata
import os
import signal
import sqlite3
import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path

import pytest

import bot
from bot.cli.startup import Loaded
from bot.knowledge import KnowledgeError
from bot.storage.sqlite import DATABASE_NAME
from bot.telegram.wiring import ChatService, Runner
from tests.e2e.conftest import ROOT, BotProcess, RunningBot, chats_of
from tests.e2e.test_webhook import SECRET, free_port
from tests.fake_telegram import FakeTelegram

OWNER = 4300


async def log_line(process: BotProcess, part: str, timeout: float = 15.0) -> str:
    """The first line of the process's log holding `part`, once it is written."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        if process.log.exists():
            for line in process.log.read_text().splitlines():
                if part in line:
                    return line
        assert process.process is not None and process.process.returncode is None, (
            f"the bot exited ({process.process and process.process.returncode}):\n"
            + process.log.read_text())
        await asyncio.sleep(0.05)
    raise AssertionError(f"no {part!r} in the log:\n{process.log.read_text()}")


def bot_command(*args: str, data_dir: Path, python: tuple[str, ...] = ()
                ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *python, "-m", "bot", *args], cwd=ROOT, text=True,
                          capture_output=True, timeout=30,
                          env={**os.environ, "BOT_DATA_DIR": str(data_dir)})


async def test_telegram_unreachable_at_start_is_waited_for_then_served(
        server: FakeTelegram, bot_process: BotProcess) -> None:
    await server.stop()  # Telegram (or the way to it) is down as the bot starts
    await bot_process.start()
    line = await log_line(bot_process, "TELEGRAM_API_URL")
    assert f"no answer from the Bot API at TELEGRAM_API_URL={server.base_url}" in line
    await server.start()  # back, on the same address
    server.user_sends(OWNER, "which battery does the key fob take")
    reply = await server.wait_for_bot_message(OWNER, timeout=20)
    assert "battery" in (reply.text or reply.caption or "").lower()
    await bot_process.signal(signal.SIGTERM)
    assert await bot_process.wait(timeout=15) == 0
    log = bot_process.log.read_text()
    assert "Traceback" not in log and "Unclosed" not in log, log


async def test_sigterm_while_telegram_is_unreachable_stops_at_once(
        server: FakeTelegram, bot_process: BotProcess) -> None:
    await server.stop()
    await bot_process.start()
    await log_line(bot_process, "TELEGRAM_API_URL")
    await bot_process.signal(signal.SIGTERM)
    assert await bot_process.wait(timeout=5) == 0
    assert "Traceback" not in bot_process.log.read_text()


async def test_the_start_up_line_says_which_bot_and_health_is_ok_at_once(
        server: FakeTelegram, bot_process: BotProcess, loaded: Loaded, tmp_path: Path) -> None:
    await bot_process.start()
    line = await log_line(bot_process, "started as")
    for part in (f"qashqai-trunk-assistant {bot.__version__}", "@fake_test_bot", "polling",
                 "inline mode off", f"knowledge {loaded.knowledge.version}"):
        assert part in line, line
    # the first long poll (25 s) has not ended, and the bot is healthy all the same
    health = bot_command("health", data_dir=tmp_path / "data")
    assert (health.returncode, health.stdout.strip()) == (0, "healthy")


def test_health_says_why_it_is_unhealthy_and_loads_nothing_of_the_bot(tmp_path: Path
                                                                     ) -> None:
    never_started = bot_command("health", data_dir=tmp_path,
                                 python=("-X", "importtime"))
    assert never_started.returncode == 1
    assert never_started.stdout.startswith(f"unhealthy: no heartbeat at {tmp_path}")
    imported = never_started.stderr
    assert "pydantic" not in imported and "telegram" not in imported, "health stays cheap"

    (tmp_path / "heartbeat").touch()
    os.utime(tmp_path / "heartbeat", (0, os.stat(tmp_path / "heartbeat").st_mtime - 200))
    stale = bot_command("health", data_dir=tmp_path)
    assert stale.returncode == 1
    assert stale.stdout.startswith("unhealthy: the last heartbeat was 200 s ago")


def test_version_is_the_installed_packages(tmp_path: Path) -> None:
    shown = bot_command("--version", data_dir=tmp_path)
    assert shown.returncode == 0
    assert shown.stdout.strip() == f"qashqai-trunk-assistant {bot.__version__}"
    assert importlib.metadata.version("qashqai-trunk-assistant") == bot.__version__


async def test_polling_after_webhook_mode_removes_the_webhook_and_answers_what_waited(
        server: FakeTelegram, loaded: Loaded, tmp_path: Path) -> None:
    port = free_port()
    hooked = Runner(replace(RunningBot(server, loaded, tmp_path / "data").settings,
                            webhook_url=f"http://127.0.0.1:{port}/hook",
                            webhook_listen="127.0.0.1", webhook_port=port, webhook_secret=SECRET),
                    chats_of(loaded))
    await hooked.start()
    await hooked.stop()  # switched back to polling: Telegram still has the webhook
    server.user_sends(OWNER, "which battery does the key fob take")
    polling = RunningBot(server, loaded, tmp_path / "data")
    await polling.start()
    try:
        reply = await server.wait_for_bot_message(OWNER)
        assert "battery" in (reply.text or reply.caption or "").lower()
        assert server.webhook.url == ""
    finally:
        await polling.stop()


def damage(data_dir: Path) -> Path:
    """A store with chats in it, then a page in the middle overwritten, as a bad disk does."""
    data_dir.mkdir()
    database = data_dir / DATABASE_NAME
    with sqlite3.connect(database) as db:
        db.execute("CREATE TABLE chat_state (chat_id INTEGER PRIMARY KEY, state TEXT)")
        db.executemany("INSERT INTO chat_state VALUES (?, ?)",
                       ((n, "x" * 200) for n in range(2000)))
    with database.open("r+b") as file:
        file.seek(4096 * 10)
        file.write(b"\xff" * 4096)
    return database


def unwritable_dir(tmp_path: Path) -> Path:
    """A directory this user cannot create a file in: read-only to its owner, or, for root,
    whom modes do not stop, a sysfs directory."""
    if os.geteuid() != 0:
        readonly = tmp_path / "readonly"
        readonly.mkdir(mode=0o500)
        return readonly
    sysfs = Path("/sys/kernel")
    try:
        (sysfs / "bot-write-probe").write_text("")
    except OSError:
        return sysfs
    pytest.skip("no directory here that root cannot write")


@pytest.mark.parametrize("problem",
                         ["a file", "a damaged database", "a directory it cannot write"])
async def test_a_bad_data_dir_stops_start_up_with_exit_2_naming_it(
        server: FakeTelegram, bot_process: BotProcess, tmp_path: Path, problem: str) -> None:
    data_dir = tmp_path / "data"
    if problem == "a file":
        data_dir.write_text("not a directory")
        expected = f"configuration error: BOT_DATA_DIR={data_dir} is a file"
    elif problem == "a damaged database":
        expected = f"storage error: {damage(data_dir)} is damaged"
    else:
        data_dir = unwritable_dir(tmp_path)
        bot_process.env["BOT_DATA_DIR"] = str(data_dir)
        expected = f"configuration error: BOT_DATA_DIR={data_dir} cannot be written"
    await bot_process.start()
    assert await bot_process.wait(timeout=30) == 2
    output = bot_process.log.read_text()
    assert output.splitlines()[-1].startswith(expected), output
    assert "Traceback" not in output
    assert server.calls == [], "nothing confirmed to Telegram: no update lost"


async def test_a_second_process_on_the_same_data_dir_refuses_and_the_first_serves_on(
        server: FakeTelegram, bot_process: BotProcess, tmp_path: Path) -> None:
    await bot_process.start()
    await log_line(bot_process, "started as")
    assert bot_process.process is not None
    second = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=ROOT, env=bot_process.env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    output, _ = await asyncio.wait_for(second.communicate(), timeout=30)
    assert second.returncode == 2
    assert output.decode().splitlines()[-1] == (
        f"configuration error: BOT_DATA_DIR={tmp_path / 'data'} is in use by another bot "
        f"process (pid {bot_process.process.pid}): run one process per data directory, or "
        "share a PostgreSQL database (DATABASE_URL) to run more than one")
    server.user_sends(OWNER, "which battery does the key fob take")
    await server.wait_for_bot_message(OWNER)
    assert not [r for r in server.rejections if "Conflict" in r.description]


class HeldPreparation:
    """`prepare` as the runner calls it (in a thread), held until released: the conversation
    still being built while the bot is already polling."""

    def __init__(self, loaded: Loaded, failure: Exception | None = None) -> None:
        self._loaded = loaded
        self._failure = failure
        self.release = threading.Event()

    def __call__(self) -> ChatService:
        assert self.release.wait(timeout=30)
        if self._failure is not None:
            raise self._failure
        return ChatService(self._loaded)


async def fetched_after(server: FakeTelegram, mark: int) -> None:
    """Until the bot has fetched what was sent after call `mark`: it polls again only once the
    getUpdates in progress returned."""
    await server.wait_for(lambda: any(c.method == "getUpdates" for c in server.calls[mark:]),
                          timeout=10)


async def test_messages_sent_while_the_conversation_is_built_wait_and_are_answered_in_order(
        server: FakeTelegram, loaded: Loaded, tmp_path: Path) -> None:
    held = HeldPreparation(loaded)
    runner = Runner(RunningBot(server, loaded, tmp_path / "data").settings, held,
                    long_poll_seconds=1)
    starting = asyncio.create_task(runner.start())
    try:
        await fetched_after(server, 0)  # polling, the conversation not built yet
        mark = len(server.calls)
        server.user_sends(OWNER, "which battery does the key fob take")
        server.user_sends(OWNER, "/menu")
        await fetched_after(server, mark)
        assert not starting.done() and server.bot_messages(OWNER) == []  # waiting, unanswered
        held.release.set()
        await starting
        first, second = await server.wait_for_bot_messages(OWNER, 2)
        assert "battery" in (first.text or first.caption or "").lower()
        assert second.reply_markup is not None  # the menu, after the answer
    finally:
        held.release.set()
        starting.cancel()
        with contextlib.suppress(BaseException):
            await starting
        await runner.stop()


async def test_a_knowledge_error_after_polling_began_loses_no_message(
        server: FakeTelegram, loaded: Loaded, tmp_path: Path) -> None:
    broken = HeldPreparation(loaded, KnowledgeError("knowledge/guided.yaml", None, "steps",
                                                    "missing"))
    runner = Runner(RunningBot(server, loaded, tmp_path / "data").settings, broken,
                    long_poll_seconds=1)
    starting = asyncio.create_task(runner.start())
    await fetched_after(server, 0)
    mark = len(server.calls)
    server.user_sends(OWNER, "which battery does the key fob take")
    await fetched_after(server, mark)
    broken.release.set()
    with pytest.raises(KnowledgeError):
        await starting
    await runner.stop()
    assert server.bot_messages(OWNER) == [] and server.pending_updates  # unconfirmed
    fixed = RunningBot(server, loaded, tmp_path / "data")  # the next start, knowledge fixed
    await fixed.start()
    try:
        reply = await server.wait_for_bot_message(OWNER)
        assert "battery" in (reply.text or reply.caption or "").lower()
    finally:
        await fixed.stop()


async def test_a_knowledge_error_stops_start_up_while_telegram_is_still_unreachable(
        server: FakeTelegram, loaded: Loaded, tmp_path: Path) -> None:
    await server.stop()  # start-up would wait for the Bot API for ever
    broken = HeldPreparation(loaded, KnowledgeError("knowledge/guided.yaml", None, "steps",
                                                    "missing"))
    broken.release.set()
    runner = Runner(RunningBot(server, loaded, tmp_path / "data").settings, broken,
                    long_poll_seconds=1)
    try:
        with pytest.raises(KnowledgeError):
            await asyncio.wait_for(runner.start(), timeout=10)
    finally:
        await runner.stop()
