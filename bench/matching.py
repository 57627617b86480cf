"""Matching benchmark: start-up time and per-question match latency / throughput.

What it measures
- start-up: `bot.cli.startup.load().warm()` (load + validate knowledge/, build the Matcher,
  the classifiers and the Conversation: what `run` prepares in a thread while it already
  polls; the screens are checked by `check` alone) in a fresh subprocess each time, median of
  --startup-runs (default 5). Also the import time of `bot.cli.startup` and the whole
  process wall time (interpreter start to exit), so the three can be told apart.
- matching: `Matcher.match(text)` over every question of tests/data/dev.yaml, repeated after one
  warm-up pass until --matches (default 5,000) calls were timed one by one with
  time.perf_counter_ns(). Reports throughput (questions/s = matches / sum of their times),
  p50 / p90 / p99 / max latency per question, and the slowest questions.
- targets: p99 < 1 ms per question, start-up < 1 s. When one is missed (or with --profile),
  the missed part is run under cProfile and the top functions are printed, so the report says
  what limits it.

How to run (from the repository root; under 20 s at the defaults):

    .venv/bin/python bench/matching.py
    .venv/bin/python bench/matching.py --matches 500 --startup-runs 2   # quick
    .venv/bin/python bench/matching.py --profile                        # always profile

A benchmark, not a test: it prints figures and always exits 0 unless it crashed.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import subprocess
import time
from collections import defaultdict
from collections.abc import Callable

import yaml
from _common import PYTHON, ROOT, code_state, machine_line, median, percentile

P99_TARGET_MS = 1.0
STARTUP_TARGET_S = 1.0

_STARTUP_PROBE = """
import json, time
t0 = time.perf_counter()
from bot.cli.startup import load
t1 = time.perf_counter()
loaded = load().warm()
t2 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "load_s": t2 - t1,
                  "entries": len(loaded.knowledge.entries)}))
"""


def questions() -> list[str]:
    items = yaml.safe_load((ROOT / "tests/data/dev.yaml").read_text(encoding="utf-8"))
    return [str(item["q"]) for item in items]


def measure_startup(runs: int) -> dict[str, list[float]]:
    figures: dict[str, list[float]] = defaultdict(list)
    for _ in range(runs):
        started = time.perf_counter()
        out = subprocess.run([PYTHON, "-c", _STARTUP_PROBE], cwd=ROOT, check=True,
                             capture_output=True, text=True)
        figures["process_s"].append(time.perf_counter() - started)
        probe = json.loads(out.stdout.strip().splitlines()[-1])
        figures["import_s"].append(probe["import_s"])
        figures["load_s"].append(probe["load_s"])
    return figures


def measure_matching(matcher: object, texts: list[str], total: int
                     ) -> tuple[list[float], dict[str, list[float]]]:
    match = matcher.match  # type: ignore[attr-defined]
    for text in texts:  # warm-up: caches, lazy imports, branch predictors
        match(text)
    latencies_ms: list[float] = []
    per_question: dict[str, list[float]] = defaultdict(list)
    clock = time.perf_counter_ns
    while len(latencies_ms) < total:
        for text in texts:
            started = clock()
            match(text)
            elapsed = (clock() - started) / 1e6
            latencies_ms.append(elapsed)
            per_question[text].append(elapsed)
            if len(latencies_ms) >= total:
                break
    return latencies_ms, per_question


def print_profile(profile: cProfile.Profile, title: str, limit: int = 18) -> None:
    print(f"\n--- cProfile: {title} (top {limit} by internal time) ---")
    stream = io.StringIO()
    stats = pstats.Stats(profile, stream=stream)
    stats.strip_dirs().sort_stats(pstats.SortKey.TIME).print_stats(limit)
    print(_trim_pstats(stream.getvalue()))
    stream = io.StringIO()
    stats = pstats.Stats(profile, stream=stream)
    stats.strip_dirs().sort_stats(pstats.SortKey.CUMULATIVE).print_stats(limit)
    print(f"--- cProfile: {title} (top {limit} by cumulative time) ---")
    print(_trim_pstats(stream.getvalue()))


def _trim_pstats(text: str) -> str:
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
    return "\n".join(line for line in lines[max(0, start - 3):] if line.strip())


def profile_matching(matcher: object, texts: list[str], rounds: int) -> None:
    profile = cProfile.Profile()
    match = matcher.match  # type: ignore[attr-defined]
    profile.enable()
    for _ in range(rounds):
        for text in texts:
            match(text)
    profile.disable()
    print_profile(profile, f"{rounds * len(texts)} matches")


def breakdown(matcher: object, texts: list[str], rounds: int = 5) -> None:
    """Normalising vs ranking, timed directly (no profiler overhead).

    Uses one Matcher internal (_normaliser.normalise): a diagnostic only, skipped with a note
    if bot/matching has changed shape."""
    normaliser = getattr(matcher, "_normaliser", None)
    if normaliser is None or not hasattr(normaliser, "normalise"):
        print("\n(stage breakdown skipped: Matcher has no _normaliser.normalise any more)")
        return
    match = matcher.match  # type: ignore[attr-defined]

    def per_question_ms(work: Callable[[str], object]) -> float:
        started = time.perf_counter()
        for _ in range(rounds):
            for text in texts:
                work(text)
        return (time.perf_counter() - started) / rounds / len(texts) * 1000

    whole = per_question_ms(match)
    normalise = per_question_ms(normaliser.normalise)
    documents = len(getattr(matcher, "_documents", ()))
    print(f"\n--- stage breakdown (mean ms per question; uses Matcher internals"
          f"{f'; {documents} documents' if documents else ''}) ---")
    print(f"  Matcher.match, whole                      {whole:6.3f} ms")
    print(f"    normalise (typos, stems, synonyms)      {normalise:6.3f} ms  "
          f"{normalise / whole:4.0%}")
    print(f"    rank + decide (the rest)                {whole - normalise:6.3f} ms  "
          f"{(whole - normalise) / whole:4.0%}")


def profile_startup() -> None:
    from bot.cli.startup import load

    profile = cProfile.Profile()
    profile.enable()
    load()
    profile.disable()
    print_profile(profile, "load() (in this process: imports already done)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--matches", type=int, default=5000, help="timed matches (default 5000)")
    parser.add_argument("--startup-runs", type=int, default=5, help="fresh processes (default 5)")
    parser.add_argument("--profile", action="store_true", help="profile even if targets are met")
    parser.add_argument("--no-profile", action="store_true", help="never profile")
    args = parser.parse_args()

    print("matching benchmark:", machine_line())
    print(code_state())
    texts = questions()

    startup = measure_startup(args.startup_runs)
    load_med = median(startup["load_s"])
    print(f"\nstart-up, median of {args.startup_runs} fresh processes:")
    print(f"  load().warm() (knowledge, validation, matcher, models):  {load_med * 1000:7.1f} ms"
          f"   [min {min(startup['load_s']) * 1000:.1f}, max {max(startup['load_s']) * 1000:.1f}]"
          f"   target < {STARTUP_TARGET_S * 1000:.0f} ms: "
          f"{'met' if load_med < STARTUP_TARGET_S else 'MISSED'}")
    print(f"  import bot.cli.startup:                                   "
          f"{median(startup['import_s']) * 1000:7.1f} ms")
    print(f"  whole process (interpreter start to exit):                "
          f"{median(startup['process_s']) * 1000:7.1f} ms")

    from bot.cli.startup import load

    matcher = load().matcher
    latencies, per_question = measure_matching(matcher, texts, args.matches)
    total_s = sum(latencies) / 1000
    p50, p90, p99 = (percentile(latencies, p) for p in (50, 90, 99))
    print(f"\nmatching: {len(latencies)} timed matches over {len(texts)} dev.yaml questions "
          f"(after 1 warm-up pass)")
    print(f"  throughput: {len(latencies) / total_s:8.0f} questions/s (single thread)")
    print(f"  latency:    p50 {p50:.3f} ms   p90 {p90:.3f} ms   p99 {p99:.3f} ms   "
          f"max {max(latencies):.3f} ms")
    print(f"  target p99 < {P99_TARGET_MS} ms: {'met' if p99 < P99_TARGET_MS else 'MISSED'}"
          f" (p99/target = {p99 / P99_TARGET_MS:.2f})")
    slowest = sorted(per_question.items(), key=lambda kv: -median(kv[1]))[:5]
    print("  slowest questions (median ms):")
    for text, times in slowest:
        print(f"    {median(times):6.3f}  {text[:70]!r}")
    fastest = min(per_question.items(), key=lambda kv: median(kv[1]))
    print(f"  fastest question: {median(fastest[1]):.3f} ms  {fastest[0][:70]!r}")

    if args.no_profile:
        return
    if args.profile or p99 >= P99_TARGET_MS:
        profile_matching(matcher, texts, rounds=5)
        breakdown(matcher, texts)
    if args.profile or load_med >= STARTUP_TARGET_S:
        profile_startup()


if __name__ == "__main__":
    main()
