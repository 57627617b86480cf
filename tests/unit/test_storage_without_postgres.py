"""The bot installed without the postgres extra (`pip install .`): it serves from SQLite, and a
DATABASE_URL it cannot use stops it with one line saying what to install.

Each runs `python -m bot` in a process where psycopg and psycopg_pool cannot be imported, as
in an installation without them: any import of either on the way fails the test.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

from bot.storage import SqliteStorage
from tests.fake_telegram import FakeTelegram

PROJECT = Path(__file__).resolve().parents[2]
WITHOUT_POSTGRES = ("import runpy, sys; sys.modules['psycopg'] = sys.modules['psycopg_pool'] = "
                    "None; runpy.run_module('bot', run_name='__main__', alter_sys=True)")
PASSWORD = "pw-Never-Shown-0d3a"


def command(*args: str) -> list[str]:
    return [sys.executable, "-c", WITHOUT_POSTGRES, *args]


def environment(**settings: str) -> dict[str, str]:
    kept = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return {**kept, **settings}


def test_database_url_without_the_extra_stops_start_up_with_one_line(tmp_path: Path) -> None:
    done = subprocess.run(command("run"), cwd=PROJECT, text=True, capture_output=True,
                          timeout=60, env=environment(
                              TELEGRAM_BOT_TOKEN="123456:x", BOT_DATA_DIR=str(tmp_path),
                              DATABASE_URL=f"postgresql://trunk:{PASSWORD}@db:5432/trunk"))
    printed = (done.stdout + done.stderr).strip()
    assert done.returncode == 2, printed
    assert len(printed.splitlines()) == 1, printed
    assert printed.startswith("configuration error: DATABASE_URL")
    assert "pip install '.[postgres]'" in printed
    assert PASSWORD not in printed


async def test_without_the_extra_the_bot_serves_from_sqlite(tmp_path: Path) -> None:
    data = tmp_path / "data"
    async with FakeTelegram("123456:without-postgres") as server:
        bot = await asyncio.create_subprocess_exec(
            *command("run"), cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            env=environment(TELEGRAM_BOT_TOKEN=server.token, TELEGRAM_API_URL=server.base_url,
                            BOT_DATA_DIR=str(data)))
        try:
            server.user_sends(4400, "which battery does the key fob take")
            reply = await server.wait_for_bot_message(4400, timeout=30)
            assert "battery" in (reply.text or reply.caption or "").lower()
        finally:
            bot.send_signal(signal.SIGTERM)
            log = (await asyncio.wait_for(bot.communicate(), timeout=15))[0].decode()
        assert bot.returncode == 0, log
        assert "SQLite" in log and "Traceback" not in log, log
    stored = SqliteStorage(data)
    try:
        assert await stored.activity.count_since(0) == 1, "the chat was recorded in SQLite"
    finally:
        await stored.close()
