"""The log as an operator reads it, or ships it: UTC times with the zone, LOG_FORMAT=json,
nobody's messages or names even at DEBUG, and a summary line so a quiet log is not a blind
one."""

from __future__ import annotations

import json
import logging
import re
import signal
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli.startup import Loaded
from bot.telegram.wiring import Runner
from tests.e2e.conftest import BotProcess, RunningBot, User, chats_of
from tests.e2e.test_start_up import log_line
from tests.fake_telegram import FakeTelegram

OWNER = 4400
WRITTEN = "xyzzy-plugh my boot is stuck"
NAME = "Zinaida"


async def test_at_debug_in_json_every_line_is_an_object_in_utc_and_no_ones_words_or_name(
        server: FakeTelegram, bot_process: BotProcess) -> None:
    bot_process.env.update(LOG_LEVEL="DEBUG", LOG_FORMAT="json", TZ="Asia/Tokyo")
    await bot_process.start()
    await log_line(bot_process, "started as")
    server.user_sends(OWNER, WRITTEN, first_name=NAME)
    await server.wait_for_bot_message(OWNER)
    await bot_process.signal(signal.SIGTERM)
    assert await bot_process.wait(timeout=15) == 0

    lines = bot_process.log.read_text().splitlines()
    records = [json.loads(line) for line in lines]  # each line one object
    assert {"time", "level", "logger", "message"} <= set(records[0])
    for record in records:
        written = datetime.strptime(record["time"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
        assert abs((datetime.now(UTC) - written).total_seconds()) < 120, record["time"]
    text = "\n".join(lines)
    assert "xyzzy" not in text and NAME not in text
    assert server.token not in text


async def test_a_text_line_starts_with_the_utc_time_and_says_so(
        server: FakeTelegram, bot_process: BotProcess) -> None:
    bot_process.env.update(TZ="America/New_York")
    await bot_process.start()
    line = await log_line(bot_process, "started as")
    stamp = re.match(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) INFO ", line)
    assert stamp, line
    written = datetime.strptime(stamp.group(1), "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    assert abs((datetime.now(UTC) - written).total_seconds()) < 120


async def test_a_summary_line_says_what_happened_meanwhile(
        server: FakeTelegram, loaded: Loaded, tmp_path: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    settings = replace(RunningBot(server, loaded, tmp_path / "data").settings,
                       log_summary_seconds=0.1)
    runner = Runner(settings, chats_of(loaded), long_poll_seconds=1)
    caplog.set_level(logging.INFO, logger="bot.monitoring.log_summary")
    await runner.start()
    try:
        await User(server, OWNER).send("which battery does the key fob take")

        def lines() -> list[str]:
            return [r.getMessage() for r in caplog.records
                    if r.name == "bot.monitoring.log_summary"]

        def summed() -> dict[str, int] | None:
            totals = {"updates": 0, "replies": 0, "failures": 0}
            for line in lines():
                for name, value in re.findall(r"(\w+) (\d+)", line):
                    if name in totals:
                        totals[name] += int(value)
            return totals if totals["replies"] else None

        assert await server.wait_for(summed) == {"updates": 1, "replies": 1, "failures": 0}
        assert lines()[0].startswith("in the last 0.1 s: updates ")
    finally:
        await runner.stop()
