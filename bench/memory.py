"""Memory benchmark: resident memory of `python -m bot run` as distinct chats pile up.

What it measures
- Starts `python -m bot run` as a subprocess (configured by environment: TELEGRAM_BOT_TOKEN,
  TELEGRAM_API_URL = a tests/fake_telegram server hosted by this process on 127.0.0.1,
  BOT_DATA_DIR = a temporary directory, LOG_LEVEL=WARNING, TELEGRAM_MAX_SENDS_PER_SECOND set
  high so Telegram's send-rate limit does not set the pace; --default-rate-limit keeps it).
- Drives --chats distinct private chats (default 100,000) through a short conversation each:
  /start, one free-text question from tests/data/dev.yaml (in its language), one tap on the
  first inline button of the bot's latest message. Chats go in batches of --batch (default
  2,000): each step is queued for the whole batch at once (user_sends / user_taps; the bot
  fetches up to 100 updates per getUpdates), then the driver waits until every chat of the
  batch got an answer (a message or photo sent or edited, or answerCallbackQuery) and the server has
  no unconfirmed update left, before the next step.
- Prints VmRSS and VmHWM (peak) of the bot process from /proc/<pid>/status once it polls
  (start), and after 1k, 10k, 50k and 100k chats (those within --chats, and --chats itself),
  with elapsed time and updates/s; then after 2 s of quiet. Target: VmRSS < 120 MB.
  The fake server's own RSS is printed for information (it keeps every message).

How to run (from the repository root):

    .venv/bin/python bench/memory.py --chats 2000       # quick check, well under a minute
    .venv/bin/python bench/memory.py                    # 100,000 chats: see bench/README.md
                                                          for how long that took
    .venv/bin/python bench/memory.py --chats 300 --tracemalloc   # what the growth is made of (slow)

Bounded: --max-minutes (default 40) stops after the batch in progress and reports how far it
got; every wait has a timeout. All traffic stays on 127.0.0.1. A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import io
import os
import pstats
import signal
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml
from _common import PYTHON, ROOT, TOKEN, bot_env, code_state, machine_line, proc_status

from tests.fake_telegram import FakeTelegram

RATE_ENV = "TELEGRAM_MAX_SENDS_PER_SECOND"
TARGET_MB = 120
CHECKPOINTS = (1_000, 10_000, 50_000, 100_000)
# since issue 9 some answers are photos: sent, or edited in as media or a new caption
ANSWERS = frozenset({"sendMessage", "sendPhoto", "editMessageText", "editMessageMedia",
                     "editMessageCaption", "answerCallbackQuery"})
FIRST_CHAT_ID = 1_000_000


# `python -m bot run`, exactly, under tracemalloc; each SIGUSR1 writes a snapshot
# (OUT.0, OUT.1, ...) so the growth between two moments can be attributed to source lines.
_TRACED_BOT = """
import gc, runpy, signal, sys, tracemalloc
out = sys.argv[1]
sys.argv = ["bot", "run"]
tracemalloc.start(6)
taken = 0
def snapshot(signum, frame):
    global taken
    gc.collect()
    tracemalloc.take_snapshot().dump(f"{out}.{taken}")
    taken += 1
signal.signal(signal.SIGUSR1, snapshot)
runpy.run_module("bot", run_name="__main__", alter_sys=True)
"""


async def take_snapshot(pid: int, path: Path, timeout: float = 60) -> None:
    os.kill(pid, signal.SIGUSR1)
    for _ in range(int(timeout * 10)):
        if path.exists():
            await asyncio.sleep(0.5)  # let the dump finish writing
            return
        await asyncio.sleep(0.1)
    raise RuntimeError(f"no tracemalloc snapshot {path}")


def report_growth(first: Path, last: Path, chats: int, top: int = 12) -> None:
    """What the bot allocated between the two snapshots and still holds, by source line."""
    import tracemalloc

    before = tracemalloc.Snapshot.load(str(first))
    after = tracemalloc.Snapshot.load(str(last))
    total = sum(s.size for s in after.statistics("filename")) - sum(
        s.size for s in before.statistics("filename"))
    print(f"\n--- tracemalloc: Python heap growth over {chats} chats: {total / 2**20:.1f} MB "
          f"({total / max(1, chats):.0f} bytes per chat) ---")
    for stat in after.compare_to(before, "traceback")[:top]:
        if stat.size_diff <= 0:
            break
        frames = [f for f in stat.traceback if "tracemalloc" not in f.filename]
        where = " <- ".join(
            f"{_short_path(f.filename)}:{f.lineno}" for f in reversed(frames[-4:]))
        print(f"  {stat.size_diff / 2**20:7.2f} MB  {stat.count_diff:+8d} blocks  {where}")


def _short_path(path: str) -> str:
    for marker in ("site-packages/", "/lib/python3.11/", str(ROOT) + "/"):
        if marker in path:
            return path.split(marker, 1)[1]
    return path


def questions() -> list[tuple[str, str]]:
    items = yaml.safe_load((ROOT / "tests/data/dev.yaml").read_text(encoding="utf-8"))
    return [(str(item["q"]), str(item.get("lang", "en"))) for item in items]


class AnswerTracker:
    """Which chats of the current step have had an answer; reads the call log incrementally."""

    def __init__(self, server: FakeTelegram) -> None:
        self.server = server
        self.index = len(server.calls)
        self.outstanding: set[int] = set()
        self.query_chat: dict[str, int] = {}
        self.answers = 0

    def expect(self, chats: list[int]) -> None:
        self.outstanding = set(chats)

    def _scan(self) -> None:
        calls = self.server.calls
        for call in calls[self.index:]:
            if call.method not in ANSWERS:
                continue
            self.answers += 1
            if call.method == "answerCallbackQuery":
                chat = self.query_chat.pop(str(call.params.get("callback_query_id")), None)
            else:
                chat = int(call.params.get("chat_id", 0))
            if chat is not None:
                self.outstanding.discard(chat)
        self.index = len(calls)

    def settled(self) -> bool:
        self._scan()
        return not self.outstanding and not self.server.queue.pending

    async def wait(self, timeout: float) -> None:
        try:
            await self.server.wait_for(self.settled, timeout=timeout)
        except TimeoutError:
            raise RuntimeError(f"{len(self.outstanding)} chats still unanswered and "
                               f"{len(self.server.pending_updates)} updates unconfirmed after "
                               f"{timeout} s") from None


def first_button(server: FakeTelegram, chat: int) -> tuple[int, str] | None:
    for view in reversed(server.bot_messages(chat)):
        if view.callback_data:
            return view.message_id, view.callback_data[0]
    return None


async def run_step(server: FakeTelegram, tracker: AnswerTracker, chats: list[int],
                   act: Callable[[int], bool], timeout: float) -> int:
    acted = [chat for chat in chats if act(chat)]
    tracker.expect(acted)
    await tracker.wait(timeout)
    return len(acted)


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_line(label: str, pid: int, started: float, chats: int, updates: int) -> str:
    status = proc_status(pid)
    elapsed = time.perf_counter() - started
    rate = f"{updates / elapsed:5.0f} upd/s" if elapsed > 0 and updates else " " * 11
    server = proc_status(os.getpid())["VmRSS"] / 1024
    cpu = (f"CPU bot {cpu_seconds(pid) / elapsed:4.0%} server {time.process_time() / elapsed:4.0%}"
           if elapsed > 1 else " " * 25)
    return (f"  {label:20s} {chats:7d} chats {elapsed:7.1f} s {rate}  bot VmRSS "
            f"{status['VmRSS'] / 1024:6.1f} MB  VmHWM {status['VmHWM'] / 1024:6.1f} MB  "
            f"({cpu}, server RSS {server:5.0f} MB)")


async def run(args: argparse.Namespace) -> None:
    texts = questions()
    checkpoints = sorted({c for c in CHECKPOINTS if c < args.chats} | {args.chats})
    print("memory benchmark:", machine_line())
    print(code_state())
    print(f"{args.chats} chats, each: /start, one question, one button tap; batches of "
          f"{args.batch}; time limit {args.max_minutes:g} min")
    rate_known = RATE_ENV in (ROOT / "bot/config.py").read_text(encoding="utf-8")
    extra = {} if args.default_rate_limit or not rate_known else {RATE_ENV: "100000"}
    print("bot environment: LOG_LEVEL=WARNING" + "".join(f", {k}={v}" for k, v in extra.items())
          + ("" if rate_known else f" ({RATE_ENV} unknown to bot/config.py)"))

    with tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp:
        async with FakeTelegram(TOKEN) as server:
            log_path = Path(tmp) / "bot.log"
            env = bot_env(server.base_url, Path(tmp) / "data", extra)
            mark = len(server.calls)
            traced = Path(tmp) / "heap"
            argv = ([PYTHON, "-c", _TRACED_BOT, str(traced)] if args.tracemalloc
                    else [PYTHON, "-m", "bot", "run"])
            with open(log_path, "ab") as log:
                bot = await asyncio.create_subprocess_exec(
                    *argv, cwd=ROOT, env=env,
                    stdin=asyncio.subprocess.DEVNULL, stdout=log, stderr=log)
            try:
                calls = server.calls
                try:
                    await server.wait_for(
                        lambda: any(c.method == "getUpdates" for c in calls[mark:]), timeout=60)
                except TimeoutError:
                    raise RuntimeError("the bot did not start polling; its log:\n"
                                       + log_path.read_text(errors="replace")[-3000:]) from None
                # polling starts before the knowledge is built (issue 19): the start figure
                # is taken once the chats are served, which publishing the menus follows
                await server.wait_for(
                    lambda: any(c.method == "setMyCommands" for c in calls[mark:]), timeout=60)
                profile = cProfile.Profile() if args.profile else None
                if profile is not None:
                    profile.enable()
                if args.tracemalloc:
                    await take_snapshot(bot.pid, Path(f"{traced}.0"))
                done = await drive(server, bot.pid, texts, checkpoints, args)
                if args.tracemalloc:
                    await take_snapshot(bot.pid, Path(f"{traced}.1"))
                    report_growth(Path(f"{traced}.0"), Path(f"{traced}.1"), done)
                if profile is not None:
                    profile.disable()
                    stream = io.StringIO()
                    pstats.Stats(profile, stream=stream).sort_stats(
                        pstats.SortKey.TIME).print_stats(20)
                    print("\n--- cProfile: fake server + driver process (top 20 by internal "
                          "time) ---\n" + stream.getvalue().split("\n\n", 1)[-1].strip())
            finally:
                if bot.returncode is None:
                    bot.send_signal(signal.SIGINT)
                    try:
                        await asyncio.wait_for(bot.wait(), 20)
                    except TimeoutError:
                        bot.kill()
                        await bot.wait()
            rejected = len(server.rejections)
            errors = [line for line in log_path.read_text(errors="replace").splitlines()
                      if " ERROR " in line or "Traceback" in line]
    print(f"requests the fake server rejected (4xx): {rejected}; ERROR lines in the bot's log: "
          f"{len(errors)}")
    for line in errors[:5]:
        print("   ", line[:160])


async def drive(server: FakeTelegram, pid: int, texts: list[tuple[str, str]],
                checkpoints: list[int], args: argparse.Namespace) -> int:
    tracker = AnswerTracker(server)
    started = time.perf_counter()
    deadline = started + args.max_minutes * 60
    print(rss_line("start (serving)", pid, started, 0, 0), flush=True)
    done = updates = 0
    untapped = 0
    next_checkpoint = 0
    while done < args.chats:
        if time.perf_counter() > deadline:
            print(f"  ! stopped by --max-minutes after {done} chats", flush=True)
            break
        chats = list(range(FIRST_CHAT_ID + done, FIRST_CHAT_ID + min(done + args.batch,
                                                                    args.chats)))

        def start(chat: int) -> bool:
            server.user_sends(chat, "/start", language_code="en")
            return True

        def ask(chat: int) -> bool:
            text, lang = texts[chat % len(texts)]
            server.user_sends(chat, text, language_code=lang)
            return True

        def tap(chat: int) -> bool:
            target = first_button(server, chat)
            if target is None:
                return False
            tracker.query_chat[server.user_taps(chat, target[0], target[1])] = chat
            return True

        updates += await run_step(server, tracker, chats, start, args.timeout)
        updates += await run_step(server, tracker, chats, ask, args.timeout)
        tapped = await run_step(server, tracker, chats, tap, args.timeout)
        untapped += len(chats) - tapped
        updates += tapped
        done += len(chats)
        if next_checkpoint < len(checkpoints) and done >= checkpoints[next_checkpoint]:
            print(rss_line(f"after {done:,} chats", pid, started, done, updates), flush=True)
            while next_checkpoint < len(checkpoints) and done >= checkpoints[next_checkpoint]:
                next_checkpoint += 1
    await asyncio.sleep(2)
    print(rss_line("after 2 s quiet", pid, started, done, updates), flush=True)
    final = proc_status(pid)
    print(f"\n{done} chats, {updates} updates, {tracker.answers} bot answers in "
          f"{time.perf_counter() - started - 2:.0f} s; chats with no button to tap: {untapped}")
    verdict = "met" if final["VmRSS"] / 1024 < TARGET_MB else "MISSED"
    print(f"bot VmRSS {final['VmRSS'] / 1024:.1f} MB, VmHWM {final['VmHWM'] / 1024:.1f} MB; "
          f"target VmRSS < {TARGET_MB} MB: {verdict}"
          + (" (under tracemalloc: RSS includes its bookkeeping)" if args.tracemalloc else ""))
    return done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chats", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=2_000, help="chats per batch")
    parser.add_argument("--max-minutes", type=float, default=40.0)
    parser.add_argument("--timeout", type=float, default=300.0, help="per step, seconds")
    parser.add_argument("--profile", action="store_true",
                        help="profile this process (fake server + driver) and print the top")
    parser.add_argument("--tracemalloc", action="store_true",
                        help="run the bot under tracemalloc and print what its heap grew by, "
                             "per source line (slower; RSS then includes tracemalloc's own)")
    parser.add_argument("--default-rate-limit", action="store_true",
                        help=f"do not raise {RATE_ENV}")
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run(args))


if __name__ == "__main__":
    main()
