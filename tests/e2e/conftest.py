"""The real bot (python-telegram-bot Application, our handlers, SQLite state) over real HTTP
against the local Bot API test server."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from telegram.ext import Application

from bot.cli.startup import Loaded
from bot.config import Settings
from bot.storage import Storage
from bot.telegram.wiring import ChatService, Runner
from tests.fake_telegram import FakeTelegram
from tests.fake_telegram.views import BotMessageView

TOKEN = "123456:TEST-token-never-logged"
ROOT = Path(__file__).resolve().parents[2]


def chats_of(loaded: Loaded) -> Callable[[], ChatService]:
    """What `python -m bot run` prepares in a thread while it reaches Telegram, built already
    (the knowledge loads once per test session)."""
    return lambda: ChatService(loaded)


class RunningBot:
    """The bot as `python -m bot run` runs it (Runner, polling), started and stopped
    in-process."""

    def __init__(self, server: FakeTelegram, loaded: Loaded, data_dir: Path,
                 max_sends_per_second: float = 30.0, send_retries: int = 8,
                 database_url: str | None = None) -> None:
        self.server = server
        self.loaded = loaded
        self.settings = Settings(token=server.token, api_url=server.base_url,
                                 data_dir=data_dir, log_level=20,
                                 max_sends_per_second=max_sends_per_second,
                                 send_retries=send_retries, database_url=database_url)
        self.bot = Runner(self.settings, chats_of(loaded), long_poll_seconds=1)

    @property
    def store(self) -> Storage | None:
        return self.bot.storage

    @property
    def application(self) -> Application | None:  # type: ignore[type-arg]
        return self.bot.application

    async def start(self) -> None:
        await self.bot.start()

    async def stop(self) -> None:
        await self.bot.stop()

    async def restart(self) -> None:
        await self.stop()
        await self.start()


class User:
    """One Telegram user in a private chat, acting through the test server."""

    def __init__(self, server: FakeTelegram, chat_id: int, language_code: str = "en") -> None:
        self.server = server
        self.chat_id = chat_id
        self.language_code = language_code

    async def send(self, text: str, count: int = 1) -> list[BotMessageView]:
        self.server.user_sends(self.chat_id, text, language_code=self.language_code)
        return await self.server.wait_for_bot_messages(self.chat_id, count)

    async def tap(self, message: BotMessageView, label_part: str) -> BotMessageView:
        data = button_data(message, label_part)
        return await self.tap_data(message, data)

    async def tap_data(self, message: BotMessageView, data: str) -> BotMessageView:
        """Taps and waits for the tapped message to change (or a new one, if it could not)."""
        before = self.server.bot_messages(self.chat_id)
        edits = next(m.edit_count for m in before if m.message_id == message.message_id)
        query_id = self.server.user_taps(self.chat_id, message.message_id, data,
                                         language_code=self.language_code)
        await self.server.wait_for_callback_answer(query_id)

        def changed() -> BotMessageView | None:
            now = self.server.bot_messages(self.chat_id)
            if len(now) > len(before):
                return now[-1]
            current = next(m for m in now if m.message_id == message.message_id)
            return current if current.edit_count > edits else None

        return await self.server.wait_for(changed)


def button_data(message: BotMessageView, label_part: str) -> str:
    for row in message.buttons:
        for button in row:
            if label_part.lower() in button["text"].lower():
                return str(button["callback_data"])
    raise AssertionError(f"no button {label_part!r} in {message.button_texts}")


class BotProcess:
    """`python -m bot run` as a real process against the test server, its output in a log."""

    def __init__(self, server: FakeTelegram, data_dir: Path) -> None:
        self.env = {**os.environ, "TELEGRAM_BOT_TOKEN": server.token,
                    "TELEGRAM_API_URL": server.base_url, "BOT_DATA_DIR": str(data_dir),
                    "LOG_LEVEL": "INFO"}
        self.process: asyncio.subprocess.Process | None = None
        self.log = data_dir.parent / "bot.log"

    async def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", cwd=ROOT, env=self.env,
                stdout=log, stderr=log,
            )

    async def signal(self, signum: int) -> None:
        assert self.process is not None
        self.process.send_signal(signum)

    async def wait(self, timeout: float) -> int:
        assert self.process is not None
        return await asyncio.wait_for(self.process.wait(), timeout)


@pytest.fixture
async def bot_process(server: FakeTelegram, tmp_path: Path) -> AsyncIterator[BotProcess]:
    process = BotProcess(server, tmp_path / "data")
    yield process
    if process.process is not None and process.process.returncode is None:
        process.process.kill()
        await process.process.wait()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "inline_mode: the bot's inline mode is switched on "
                            "(@BotFather's /setinline) on the test server")


@pytest.fixture
async def server(request: pytest.FixtureRequest) -> AsyncIterator[FakeTelegram]:
    inline_mode = request.node.get_closest_marker("inline_mode") is not None
    async with FakeTelegram(TOKEN, inline_mode=inline_mode) as fake:
        yield fake
        assert fake.rejections == [], "the bot sent something Telegram would reject"


@pytest.fixture
async def running_bot(server: FakeTelegram, loaded: Loaded, tmp_path: Path
                      ) -> AsyncIterator[RunningBot]:
    bot = RunningBot(server, loaded, tmp_path / "data")
    await bot.start()
    yield bot
    await bot.stop()


@pytest.fixture
def user(server: FakeTelegram, running_bot: RunningBot) -> User:
    return User(server, chat_id=1001)
