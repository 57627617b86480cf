"""More than one bot process on one PostgreSQL database, as real processes over the local Bot
API server: webhook replicas behind a load balancer, a standby poller, and the deaths of each;
/stats and /forget across replicas.

Telegram's side is played as Telegram plays it: a chat's next update is posted only once the
previous one was answered 2xx, chats in parallel, and a failed post is posted again. The load
balancer is a round-robin forwarder that tries the next replica on a connection error. The
figures (updates, replies, duplicates, take-over time) are printed: `pytest -s` shows them.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import re
import signal
import sys
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import aiohttp
import psycopg
import pytest
from aiohttp import web

from bot.cli.startup import Loaded
from bot.config import derived_secret
from bot.telegram.inbound import SECRET_HEADER
from tests.conftest import ODD_PASSWORD, PASSWORD, printed_pieces
from tests.e2e.conftest import RunningBot, button_data
from tests.e2e.test_webhook import free_port
from tests.fake_telegram import FakeTelegram
from tests.postgres_server import PostgresServer

ROOT = Path(__file__).resolve().parents[2]
HOOK_PATH = "/telegram/hook"
CAR_MESSAGE = "my 2016 j11 boot wont open"
# Answers told apart by their first line (the entry's title), asked in this order, then the car.
QUESTIONS = ["which battery does the key fob take", "where is the emergency release inside "
             "the boot", "tailgate opens but will not close"]
BURST_CHATS = range(20_000, 20_120)
MAY_DUPLICATE = 15  # replies on the wire when a process dies; see test_process_lifecycle.py


class BotProcess:
    """`python -m bot run` with its own environment and log file."""

    def __init__(self, name: str, server: FakeTelegram, database_url: str, tmp_path: Path,
                 **env: str) -> None:
        self.name = name
        self.log = tmp_path / f"{name}.log"
        self.env = {**os.environ, "TELEGRAM_BOT_TOKEN": server.token,
                    "TELEGRAM_API_URL": server.base_url, "DATABASE_URL": database_url,
                    "BOT_DATA_DIR": str(tmp_path / name), "LOG_LEVEL": "INFO",
                    "TELEGRAM_MAX_SENDS_PER_SECOND": "1000", **env}
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", cwd=ROOT, env=self.env, stdout=log,
                stderr=log)

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    async def wait_for_log(self, pattern: str, timeout: float = 20) -> float:
        """Seconds until a log line matches `pattern`."""
        started = time.monotonic()
        while not re.search(pattern, self.log_text()):
            if time.monotonic() - started > timeout:
                raise AssertionError(f"{self.name} never logged {pattern!r}:\n"
                                     f"{self.log_text()[-3000:]}")
            await asyncio.sleep(0.05)
        return time.monotonic() - started

    async def end(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
            await self.process.wait()


@pytest.fixture
async def processes() -> AsyncIterator[list[BotProcess]]:
    """Bot processes a test starts; whatever is left is killed at the end."""
    started: list[BotProcess] = []
    yield started
    for process in started:
        await process.end()


class RoundRobin:
    """The load balancer: each webhook post to the next replica; on a connection error (a
    dead replica), the next one, as a load balancer with passive health checks does."""

    def __init__(self) -> None:
        self.replicas: list[str] = []  # set once they listen: they are told `port` first
        self._turns = itertools.count()
        self.port = free_port()
        self.retried = 0
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60))
        app = web.Application()
        app.router.add_post(HOOK_PATH, self.forward)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._session is not None:
            await self._session.close()

    async def forward(self, request: web.Request) -> web.Response:
        assert self._session is not None
        body = await request.read()
        headers = {SECRET_HEADER: request.headers.get(SECRET_HEADER, ""),
                   "Content-Type": "application/json"}
        for _ in range(3 * len(self.replicas)):
            replica = self.replicas[next(self._turns) % len(self.replicas)]
            try:
                async with self._session.post(replica + HOOK_PATH, data=body,
                                              headers=headers) as answer:
                    return web.Response(status=answer.status, body=await answer.read())
            except aiohttp.ClientConnectionError:
                self.retried += 1
        return web.Response(status=502, text="no replica answered")


def chat_of(update: dict[str, Any]) -> int:
    return int(update["message"]["chat"]["id"])


async def post(url: str, update: dict[str, Any], secret: str) -> int:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session, \
            session.post(url, json=update, headers={SECRET_HEADER: secret}) as answer:
        return answer.status


async def push_like_telegram(server: FakeTelegram, url: str, secret: str,
                             done: Callable[[], bool], timeout: float = 90) -> None:
    """Posts pending updates as Telegram does: a chat's next only after its previous one was
    answered 2xx; chats in parallel; a failed post posted again after a pause."""
    busy: set[int] = set()
    deliveries: set[asyncio.Task[None]] = set()

    async def deliver(update: dict[str, Any]) -> None:
        try:
            try:
                status = await post(url, update, secret)
            except aiohttp.ClientError:
                status = 0
            if 200 <= status < 300:
                server.queue.remove(update["update_id"])
                server.world.changes.bump()
            else:
                await asyncio.sleep(0.2)
        finally:
            busy.discard(chat_of(update))

    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, "not all updates were answered in time"
        scanned: set[int] = set()
        for update in server.pending_updates:
            chat = chat_of(update)
            if chat not in scanned and chat not in busy:
                busy.add(chat)
                task = asyncio.create_task(deliver(update))
                deliveries.add(task)
                task.add_done_callback(deliveries.discard)
            scanned.add(chat)
        await asyncio.sleep(0.005)
    await asyncio.gather(*deliveries)


async def through(replica: str, server: FakeTelegram) -> None:
    """Telegram's oldest pending update posted to this replica, as the balancer might."""
    update = server.pending_updates[0]
    assert await post(f"{replica}{HOOK_PATH}", update, derived_secret(server.token)) == 200
    server.queue.remove(update["update_id"])


async def webhook_replicas(server: FakeTelegram, database_url: str, tmp_path: Path,
                           processes: list[BotProcess], hook_url: str, **env: str
                           ) -> list[str]:
    """Replicas a and b serving the webhook on one database; their URLs."""
    ports = [free_port(), free_port()]
    for name, port in zip(["a", "b"], ports, strict=True):
        replica = BotProcess(name, server, database_url, tmp_path, WEBHOOK_URL=hook_url,
                             WEBHOOK_LISTEN="127.0.0.1", WEBHOOK_PORT=str(port), **env)
        processes.append(replica)
        await replica.start()
    for replica in processes:
        await replica.wait_for_log("serving the webhook")
    return [f"http://127.0.0.1:{port}" for port in ports]


def first_lines(server: FakeTelegram, chat: int) -> list[str]:
    return [m.text.split("\n", 1)[0] for m in server.bot_messages(chat)]


def without_repeats(lines: list[str]) -> list[str]:
    """A reply sent again right after itself (on the wire at a kill) counted once."""
    return [line for i, line in enumerate(lines) if i == 0 or lines[i - 1] != line]


async def test_two_webhook_replicas_share_state_and_lose_nothing_when_one_is_killed(
        server: FakeTelegram, database_url: str, tmp_path: Path,
        processes: list[BotProcess]) -> None:
    secret = derived_secret(server.token)
    balancer = RoundRobin()
    await balancer.start()
    try:
        balancer.replicas = await webhook_replicas(
            server, database_url, tmp_path, processes,
            f"http://127.0.0.1:{balancer.port}{HOOK_PATH}")
        a, b = processes

        # State is shared: the car and the language told to replica a are known to b.
        owner = 19_999
        server.user_sends(owner, "у меня j11 2016 года, багажник не открывается",
                          language_code="ru")
        await through(balancer.replicas[0], server)
        server.user_sends(owner, "/menu", language_code="en")
        await through(balancer.replicas[1], server)
        menu = server.bot_messages(owner)[-1].text
        assert "J11" in menu and re.search("[а-яА-Я]", menu), menu

        # A burst over many chats through the balancer; replica a is killed in the middle.
        for question in [*QUESTIONS, CAR_MESSAGE]:
            for chat in BURST_CHATS:
                server.user_sends(chat, question)
        expected_updates = len(BURST_CHATS) * (len(QUESTIONS) + 1)
        started = time.monotonic()
        pushing = asyncio.create_task(push_like_telegram(
            server, f"http://127.0.0.1:{balancer.port}{HOOK_PATH}", secret,
            lambda: not server.pending_updates))
        await server.wait_for(lambda: sum(len(server.bot_messages(c)) for c in BURST_CHATS)
                              >= expected_updates // 3, timeout=60)
        answered_at_kill = sum(len(server.bot_messages(c)) for c in BURST_CHATS)
        a.kill()
        await pushing
        took = time.monotonic() - started
    finally:
        await balancer.stop()

    replies = {chat: first_lines(server, chat) for chat in BURST_CHATS}
    lost = [chat for chat, lines in replies.items() if len(without_repeats(lines)) < 4]
    duplicated = sum(len(lines) - len(without_repeats(lines)) for lines in replies.values())
    print(f"\nwebhook replicas: {expected_updates} updates over {len(BURST_CHATS)} chats in "
          f"{took:.1f}s; replica a killed after {answered_at_kill} replies; "
          f"{len(lost)} chats missing a reply, {duplicated} replies duplicated, "
          f"{balancer.retried} posts to the dead replica sent on to the other", flush=True)
    assert not lost, f"chats missing a reply: {lost[:10]}"
    assert duplicated <= MAY_DUPLICATE
    reference = without_repeats(replies[BURST_CHATS[0]])
    for chat, lines in replies.items():
        assert without_repeats(lines) == reference, f"chat {chat} out of order: {lines}"
    with psycopg.connect(database_url) as db:
        cars = dict(db.execute("SELECT chat_id, state->>'car' FROM chat_state").fetchall())
    assert all(cars.get(chat) == "J11" for chat in BURST_CHATS), "every chat kept its car"
    assert "Traceback" not in b.log_text()


async def test_stats_and_forget_hold_across_replicas_and_from_the_command_line(
        server: FakeTelegram, url_with_password: str, tmp_path: Path,
        processes: list[BotProcess]) -> None:
    """Issue 10 on PostgreSQL: what one replica recorded, the other reports; /forget through
    one deletes what was kept through the other; `python -m bot stats` reads the same."""
    admin, owner, other = 4100, 4200, 4300
    server.add_chat(admin)  # the admin has written to the bot before
    a, b = await webhook_replicas(server, url_with_password, tmp_path, processes,
                                  f"http://127.0.0.1:{free_port()}{HOOK_PATH}",
                                  ADMIN_CHAT_IDS=str(admin))

    server.user_sends(owner, QUESTIONS[0])
    await through(a, server)
    answer = server.bot_messages(owner)[-1]
    server.user_taps(owner, answer.message_id, button_data(answer, "👎"))
    await through(b, server)
    assert "What went wrong?" in (server.bot_messages(owner)[-1].text or "")
    server.user_sends(owner, "mine has no cover")
    await through(a, server)
    server.user_sends(other, "hi")
    await through(b, server)

    server.user_sends(admin, "/stats")
    await through(b, server)
    report = server.bot_messages(admin)[-1].text or ""
    assert "Chats: 2 today · 2 in 7 days · 2 in all" in report, report
    assert "faq-fob-battery: 1 · 0 · 1 · 1" in report, report  # shown, 👍, 👎, comments

    server.user_sends(owner, "/forget")
    await through(b, server)
    assert (server.bot_messages(owner)[-1].text or "").startswith("Done: I've deleted")
    with psycopg.connect(url_with_password) as db:
        for table in ("chat_state", "chat_activity", "feedback_comment", "feedback_rating"):
            row = db.execute(f"SELECT COUNT(*) FROM {table} WHERE chat_id = %s",  # type: ignore[arg-type]
                             (owner,)).fetchone()
            assert row == (0,), f"{table} still holds the forgotten chat"

    server.user_sends(admin, "/stats")
    await through(a, server)
    report = server.bot_messages(admin)[-1].text or ""
    assert "Chats: 1 today · 1 in 7 days · 1 in all" in report, report
    assert "faq-fob-battery: 1 · 0 · 1 · 1" in report, "the rating and tallies still count"

    command = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "stats", cwd=ROOT, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        env={**os.environ, "DATABASE_URL": url_with_password, "TELEGRAM_BOT_TOKEN": ""})
    printed = (await asyncio.wait_for(command.communicate(), timeout=60))[0].decode()
    assert command.returncode == 0, printed
    assert "Chats: 1 today · 1 in 7 days · 1 in all" in printed
    assert PASSWORD not in printed
    for replica in processes:
        assert PASSWORD not in replica.log_text() and "Traceback" not in replica.log_text()


async def test_a_standby_poller_takes_over_within_seconds_and_nothing_is_lost(
        server: FakeTelegram, url_with_password: str, tmp_path: Path,
        processes: list[BotProcess]) -> None:
    """Also: the database password, in DATABASE_URL, is in no line of either log at DEBUG."""
    leader = BotProcess("leader", server, url_with_password, tmp_path, LOG_LEVEL="DEBUG")
    standby = BotProcess("standby", server, url_with_password, tmp_path, LOG_LEVEL="DEBUG")
    processes += [leader, standby]
    await leader.start()
    await leader.wait_for_log("holds the poller lease")
    await standby.start()
    await standby.wait_for_log("standing by")

    for chat in BURST_CHATS:
        server.user_sends(chat, CAR_MESSAGE)
    await server.wait_for(lambda: sum(1 for c in BURST_CHATS if server.bot_messages(c)) >= 30,
                          timeout=30)
    answered_at_kill = sum(1 for c in BURST_CHATS if server.bot_messages(c))
    assert "holds the poller lease" not in standby.log_text(), "only one process polls"
    leader.kill()
    took_over = await standby.wait_for_log("holds the poller lease", timeout=10)
    await server.wait_for(lambda: all(server.bot_messages(c) for c in BURST_CHATS), timeout=30)
    await server.wait_for(lambda: not server.pending_updates, timeout=30)
    counts = [len(server.bot_messages(c)) for c in BURST_CHATS]
    duplicated = sum(n - 1 for n in counts if n > 1)
    print(f"\npolling failover: leader killed after {answered_at_kill} of {len(counts)} "
          f"answered; the standby polled {took_over:.1f}s later; "
          f"{counts.count(0)} lost, {duplicated} duplicated", flush=True)
    assert took_over < 5
    assert duplicated <= MAY_DUPLICATE
    for process in (leader, standby):
        assert "PostgreSQL at postgresql://127.0.0.1:" in process.log_text()  # start-up line
        assert PASSWORD not in process.log_text()


@pytest.fixture
def odd_urls(database_url: str) -> dict[str, str]:
    """The test's database, reached as a role whose password is ODD_PASSWORD, written the
    two ways libpq reads it: # ? & + = ; as typed in the user part, or in the query string."""
    parts = urlsplit(database_url)
    with psycopg.connect(database_url, autocommit=True) as admin:
        admin.execute("DO $$ BEGIN CREATE ROLE trunk_odd LOGIN PASSWORD "
                      f"'{ODD_PASSWORD}'; EXCEPTION WHEN duplicate_object THEN NULL; END $$")
        admin.execute(f'ALTER DATABASE "{parts.path[1:]}" OWNER TO trunk_odd')
    where = f"{parts.hostname}:{parts.port}{parts.path}"
    return {"user part": f"postgresql://trunk_odd:{quote(ODD_PASSWORD, safe='#?&+=;')}@{where}",
            "query string": f"postgresql://{where}?user=trunk_odd&password="
                            f"{quote(ODD_PASSWORD, safe='')}"}


@pytest.mark.parametrize("form", ["user part", "query string"])
async def test_a_bot_whose_database_password_holds_url_characters_never_prints_it(
        server: FakeTelegram, odd_urls: dict[str, str], tmp_path: Path,
        processes: list[BotProcess], form: str) -> None:
    """At DEBUG, serving: the start-up line names the database by scheme, host, port and
    database alone."""
    bot = BotProcess(form.replace(" ", "-"), server, odd_urls[form], tmp_path,
                     LOG_LEVEL="DEBUG")
    processes.append(bot)
    await bot.start()
    await bot.wait_for_log("holds the poller lease")
    server.user_sends(31_000, QUESTIONS[0])
    await server.wait_for_bot_message(31_000, timeout=10)
    await bot.end()
    address = odd_urls["query string"].partition("?")[0]
    assert f"PostgreSQL at {address};" in bot.log_text()
    assert printed_pieces(bot.log_text(), ODD_PASSWORD) == []
    assert quote(ODD_PASSWORD, safe="") not in bot.log_text()


async def test_an_unreachable_database_stops_start_up_without_printing_the_password(
        server: FakeTelegram, tmp_path: Path) -> None:
    """A password made of URL syntax, percent-encoded in the query string (libpq's error is
    printed) or as typed in the user part (the URL's own): tests/unit/test_redactor.py has
    every other way to write it."""
    closed_port = free_port()
    encoded = quote(ODD_PASSWORD, safe="")
    for url, says in [
        (f"postgresql://127.0.0.1:{closed_port}/trunk?user=bot&password={encoded}",
         "could not connect"),
        (f"postgresql://bot:{ODD_PASSWORD}@127.0.0.1:{closed_port}/trunk",
         "not a PostgreSQL URL"),
    ]:
        env = {**os.environ, "TELEGRAM_BOT_TOKEN": server.token,
               "TELEGRAM_API_URL": server.base_url, "BOT_DATA_DIR": str(tmp_path),
               "DATABASE_URL": url, "LOG_LEVEL": "DEBUG"}
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", cwd=ROOT, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
        output, _ = await asyncio.wait_for(process.communicate(), timeout=60)
        text = output.decode()
        assert process.returncode == 2, text
        assert "configuration error: DATABASE_URL=postgresql://" in text, text
        assert says in text, text
        assert printed_pieces(text, ODD_PASSWORD) == [] and encoded not in text, text


async def test_a_database_outage_while_running_loses_nothing(
        server: FakeTelegram, loaded: Loaded, database_url: str, postgres: PostgresServer,
        tmp_path: Path) -> None:
    bot = RunningBot(server, loaded, tmp_path / "data", max_sends_per_second=1000,
                     database_url=database_url)
    await bot.start()
    try:
        server.user_sends(30_000, QUESTIONS[0])
        await server.wait_for_bot_message(30_000, timeout=10)
        chats = range(30_001, 30_011)
        postgres.stop()
        try:
            for chat in chats:
                server.user_sends(chat, QUESTIONS[0])
            await asyncio.sleep(1.5)
            assert not any(server.bot_messages(chat) for chat in chats), \
                "no reply is made while its state cannot be loaded and saved"
        finally:
            postgres.start()
        await server.wait_for(lambda: all(server.bot_messages(c) for c in chats), timeout=45)
        await server.wait_for(lambda: not server.pending_updates, timeout=30)
        assert [len(server.bot_messages(chat)) for chat in chats] == [1] * len(chats)
    finally:
        await bot.stop()
