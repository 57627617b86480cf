"""`python -m bot backup FILE` while the bot runs, and the backup restored as the README says:
stop, copy it in as chats.sqlite3, start; the chat goes on where it was."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

from bot.cli.startup import Loaded
from bot.storage.sqlite import DATABASE_NAME
from tests.e2e.conftest import ROOT, RunningBot, User
from tests.fake_telegram import FakeTelegram


def backup(data_dir: Path, target: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", "backup", str(target)], cwd=ROOT,
                          text=True, capture_output=True, timeout=60,
                          env={**os.environ, "BOT_DATA_DIR": str(data_dir)})


async def test_a_backup_taken_while_the_bot_runs_restores_every_chat(
        server: FakeTelegram, loaded: Loaded, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    running = RunningBot(server, loaded, data_dir)
    await running.start()
    user = User(server, chat_id=1001)
    try:
        await user.send("/car")
        await user.tap(server.bot_messages(user.chat_id)[-1], "J11")
        target = tmp_path / "backups" / "trunk.sqlite3"
        target.parent.mkdir()
        taken = backup(data_dir, target)  # while the bot runs
        again = backup(data_dir, target)
    finally:
        await running.stop()
    assert taken.returncode == 0, taken.stderr
    assert taken.stdout.startswith(f"backed up {data_dir / DATABASE_NAME} to {target}")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600, "what people wrote: owner only"
    with sqlite3.connect(target) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert again.returncode == 1 and "exists" in again.stderr, "never overwrites a backup"

    restored = tmp_path / "restored"
    restored.mkdir()
    shutil.copy(target, restored / DATABASE_NAME)
    bot = RunningBot(server, loaded, restored)
    await bot.start()
    try:
        (menu,) = await user.send("/menu")
        assert "J11" in (menu.text or "")
    finally:
        await bot.stop()
