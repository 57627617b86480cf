"""What recording a turn costs (issue 10), beside what the conversation itself costs.

What it measures
- `Conversation.handle` for each question of tests/data/dev.yaml typed into a fresh chat;
- `Recorder.record` for the same turns, on SQLite in a temporary directory, as the running bot
  records them: the turn's tallies in one transaction, and for a question met with "did you
  mean" or a decline the matcher's ranking and one row. Each question has its own chat, seen
  in the warm-up pass, so the timed turns are a chat's later turns of the day (its first also
  writes "seen today": one more upsert, about 20 us);
- both per turn, timed one by one; median, p90, mean; --rounds passes after a warm-up pass.

How to run (from the repository root; a few seconds):

    .venv/bin/python bench/recording.py

A benchmark, not a test: it prints figures and always exits 0 unless it crashed.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import yaml
from _common import ROOT, code_state, machine_line, median, percentile

from bot.cli.startup import load
from bot.dialog import ChatState, Reply, TextMessage
from bot.records.recorder import Recorder
from bot.storage import SqliteStorage

Turn = tuple[ChatState, TextMessage, ChatState, list[Reply]]


def line(name: str, seconds: list[float]) -> str:
    return (f"  {name:<22} median {median(seconds) * 1e6:7.0f} us   p90 "
            f"{percentile(seconds, 90) * 1e6:7.0f} us   mean {statistics.mean(seconds) * 1e6:7.0f}"
            f" us   ({len(seconds)} turns)")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print(f"recording benchmark: {machine_line()}\n{code_state()}")
    conversation = load().conversation
    items = yaml.safe_load((ROOT / "tests/data/dev.yaml").read_text(encoding="utf-8"))
    questions = [str(item["q"]) for item in items]

    handled: list[float] = []
    turns: list[Turn] = []
    for round_number in range(args.rounds + 1):
        for question in questions:
            before, event = ChatState(language="en"), TextMessage(question)
            started = time.perf_counter()
            after, replies = conversation.handle(before, event)
            if round_number:  # the first pass warms up
                handled.append(time.perf_counter() - started)
            else:
                turns.append((before, event, after, replies))
    unanswered = sum(any(r.kind.value in ("did_you_mean", "declined") for r in replies)
                     for *_, replies in turns)

    recorded: list[float] = []
    with tempfile.TemporaryDirectory() as directory:
        storage = SqliteStorage(Path(directory))
        recorder = Recorder(storage, conversation.matcher, retention_days=90,
                            keyboard_labels=conversation.quick_replies)
        await recorder.expire()
        for round_number in range(args.rounds + 1):
            for chat_id, (before, event, after, replies) in enumerate(turns):
                started = time.perf_counter()
                await recorder.record(chat_id, event, before, after, replies)
                if round_number:
                    recorded.append(time.perf_counter() - started)
        await storage.close()

    print(f"{len(questions)} questions of tests/data/dev.yaml, {unanswered} of them "
          f"({unanswered / len(questions):.0%}) met with \"did you mean\" or a decline")
    print(line("Conversation.handle", handled))
    print(line("Recorder.record", recorded))
    print(f"recording adds {statistics.mean(recorded) / statistics.mean(handled):.0%} to a "
          "typed turn's conversation time (means)")


if __name__ == "__main__":
    asyncio.run(main())
