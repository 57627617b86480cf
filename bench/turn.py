"""What a typed turn costs: reading the message and the conversation's answer, together.

What it measures
- every typed turn of the conversation sets (tests/data/conversations*.yaml) replayed in its
  own chat, as `python -m bot eval` drives them, so each message meets the screen it was
  written for; `Conversation.handle` timed per turn; median, p90, p99 over --rounds passes
  after a warm-up pass;
- start-up: `bot.cli.startup.load().warm()` in a fresh process (what `run` prepares in a
  thread before it answers, less the framework), median of --startup-runs.
Issue 16 asks the median to grow by no more than 20% and start-up by no more than 0.2 s: run
it on the commit before and on this one, in one sitting (the machine is shared and noisy).

How to run (from the repository root; about half a minute):

    .venv/bin/python bench/turn.py

A benchmark, not a test: it prints figures and always exits 0 unless it crashed.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

from _common import PYTHON, ROOT, code_state, machine_line, median, percentile

from bot.cli.startup import load
from bot.dialog import Conversation
from bot.evaluation.conversations import Case, read_cases

STARTUP = ("import time; started = time.perf_counter(); from bot.cli.startup import load; "
           "load().warm(); print(time.perf_counter() - started)")


def replay(conversation: Conversation, cases: list[Case], timed: list[float] | None) -> None:
    """Each case in a fresh chat; the typed turns timed into `timed` when given."""
    from bot.evaluation.conversations import _Chat  # the chat eval drives: taps find buttons

    for case in cases:
        chat = _Chat(conversation, case)
        for turn in case.turns:
            event = chat.event_for(turn)
            if isinstance(event, str):
                break
            started = time.perf_counter()
            chat.state, chat.replies, _ = conversation.handle(chat.state, event)
            if timed is not None and turn.event == "user":
                timed.append(time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--startup-runs", type=int, default=5)
    args = parser.parse_args()
    print(f"turn benchmark: {machine_line()}\n{code_state()}")
    cases = [case for path in sorted(Path(ROOT, "tests/data").glob("conversations*.yaml"))
             for case in read_cases(path)]
    conversation = load().conversation
    replay(conversation, cases, None)  # warm-up: caches filled, as in a running bot
    timed: list[float] = []
    for _ in range(args.rounds):
        replay(conversation, cases, timed)
    print(f"{len(cases)} conversations, {len(timed) // args.rounds} typed turns a pass, "
          f"{args.rounds} passes")
    print(f"  Conversation.handle per typed turn: median {median(timed) * 1e6:6.0f} us   "
          f"p90 {percentile(timed, 90) * 1e6:6.0f} us   p99 {percentile(timed, 99) * 1e6:6.0f} us")
    startups = [float(subprocess.run([PYTHON, "-c", STARTUP], cwd=ROOT, check=True,
                                     capture_output=True, text=True).stdout)
                for _ in range(args.startup_runs)]
    print(f"  load().warm() in a fresh process: median {median(startups):.3f} s "
          f"(of {args.startup_runs}: {', '.join(f'{s:.3f}' for s in startups)})")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
