"""The /stats report, and `python -m bot stats`: the same figures, gathered once from storage.

Chats active today (the UTC day) / in the last 7 days / ever; typed questions answered, met
with "did you mean" or declined, today / 7 days / ever; per entry how often its answer was
shown and rated 👍 / 👎 / commented; per way how often it was started and how often "It
opened" followed, with its ratings; the runs that ended with nothing working; the ten most
recent questions it could not answer. Labels come from knowledge/interface.yaml in the
reader's language; figures and entry ids need no translation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.dialog.effects import Question
from bot.knowledge import LANGUAGES, Knowledge, KnowledgeError
from bot.records.recorder import DAY, Tally, day_of
from bot.storage.interface import Storage, UnansweredQuestion

RECENT_UNANSWERED = 10
QUOTE_CHARS = 80  # a recent question is quoted up to here: ten of them fit one message
MAX_MESSAGE_CHARS = 4096  # Telegram's limit for a message


@dataclass(frozen=True)
class EntryFigures:
    entry: str
    shown: int = 0
    up: int = 0
    down: int = 0
    comments: int = 0


@dataclass(frozen=True)
class WayFigures:
    way: str
    started: int = 0
    opened: int = 0
    up: int = 0
    down: int = 0
    comments: int = 0


@dataclass(frozen=True)
class Stats:
    at: float
    retention_days: int
    chats: tuple[int, int, int]  # today, 7 days, ever
    questions: dict[Question, tuple[int, int, int]]  # today, 7 days, ever
    entries: tuple[EntryFigures, ...]  # those with anything to show, most shown first
    ways: tuple[WayFigures, ...]  # those with anything to show, most started first
    nothing_worked: EntryFigures  # the end of a run: shown = how many runs ended there
    unanswered: tuple[UnansweredQuestion, ...]  # within the retention period, newest first


async def gather(storage: Storage, *, now: float, retention_days: int) -> Stats:
    today = datetime.fromtimestamp(now, UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    week = today - timedelta(days=6)
    activity = storage.activity
    chats = (await activity.count_since(today.timestamp()),
             await activity.count_since(week.timestamp()), await activity.count_since(0))
    periods = [await storage.tallies.totals(day_of(today.timestamp())),
               await storage.tallies.totals(day_of(week.timestamp())),
               await storage.tallies.totals()]
    questions = {q: (periods[0].get(key := (Tally.question(q), ""), 0),
                     periods[1].get(key, 0), periods[2].get(key, 0)) for q in Question}
    totals, ratings = periods[2], await storage.feedback.ratings()

    def count(name: str, subject: str) -> int:
        return totals.get((name, subject), 0)

    def rated(screen: str) -> tuple[int, int]:
        return ratings.get((screen, "up"), 0), ratings.get((screen, "down"), 0)

    entry_ids = sorted({s for (n, s) in totals if n == Tally.ANSWER_SHOWN}
                       | {s.removeprefix("answer.") for (s, _) in ratings
                          if s.startswith("answer.")})
    entries = [EntryFigures(e, count(Tally.ANSWER_SHOWN, e), *rated(f"answer.{e}"),
                            count(Tally.COMMENT, f"answer.{e}")) for e in entry_ids]
    way_ids = sorted({s for (n, s) in totals if n in (Tally.WAY_STARTED, Tally.WAY_OPENED)}
                     | {s.removeprefix("worked.") for (s, _) in ratings
                        if s.startswith("worked.")})
    ways = [WayFigures(w, count(Tally.WAY_STARTED, w), count(Tally.WAY_OPENED, w),
                       *rated(f"worked.{w}"), count(Tally.COMMENT, f"worked.{w}"))
            for w in way_ids]
    unanswered = await storage.unanswered.since(now - retention_days * DAY)
    return Stats(
        at=now, retention_days=retention_days, chats=chats,
        questions=questions,
        entries=tuple(sorted(entries, key=lambda e: (-e.shown, e.entry))),
        ways=tuple(sorted(ways, key=lambda w: (-w.started, w.way))),
        nothing_worked=EntryFigures("end", count(Tally.NOTHING_WORKED, ""), *rated("end"),
                                    count(Tally.COMMENT, "end")),
        unanswered=tuple(reversed(unanswered)),
    )


def report(stats: Stats, knowledge: Knowledge, language: str) -> list[tuple[str, bool]]:
    """The report's lines, each with whether it is a heading; plain text, in `language`."""
    def ui(key: str, **values: object) -> str:
        return knowledge.ui(key, language, **values)

    at = datetime.fromtimestamp(stats.at, UTC).strftime("%Y-%m-%d %H:%M")
    today, week, ever = stats.chats
    lines = [(ui("stats_title", time=at), True),
             (ui("stats_chats", today=today, week=week, total=ever), False),
             ("", False), (ui("stats_questions"), True)]
    lines += [(ui(f"stats_{q.value}", today=n[0], week=n[1], total=n[2]), False)
              for q, n in stats.questions.items()]
    lines += [("", False), (ui("stats_entries"), True)]
    lines += [(f"{e.entry}: {e.shown} · {e.up} · {e.down} · {e.comments}", False)
              for e in stats.entries] or [(ui("stats_none"), False)]
    lines += [("", False), (ui("stats_ways"), True)]
    lines += [(f"{w.way}: {w.started} → {w.opened}{_share(w.opened, w.started)} · {w.up} · "
               f"{w.down} · {w.comments}", False)
              for w in stats.ways] or [(ui("stats_none"), False)]
    end = stats.nothing_worked
    lines.append((ui("stats_nothing_worked", count=end.shown, up=end.up, down=end.down,
                     comments=end.comments), False))
    recent = stats.unanswered[:RECENT_UNANSWERED]
    lines += [("", False), (ui("stats_recent", shown=len(recent),
                                total=sum(q.times for q in stats.unanswered),
                                days=stats.retention_days), True)]
    lines += [(_quoted(q), False) for q in recent] or [(ui("stats_none"), False)]
    if recent:
        lines.append((ui("stats_more"), False))
    return lines


def plain_report(stats: Stats, knowledge: Knowledge, language: str) -> str:
    return "\n".join(text for text, _ in report(stats, knowledge, language))


def check_texts(knowledge: Knowledge) -> None:
    """Renders a report with every line filled, in each language, at start-up and in `bot
    check`: a misspelt {placeholder} in interface.yaml fails there, not in an admin's chat."""
    sample = Stats(at=0.0, retention_days=90, chats=(1, 2, 3),
                   questions=dict.fromkeys(Question, (1, 2, 3)),
                   entries=(EntryFigures("x", 1, 1, 1, 1),), ways=(WayFigures("x", 2, 1),),
                   nothing_worked=EntryFigures("end", 1),
                   unanswered=(UnansweredQuestion("x", "en", "declined", (), 0.0),))
    for language in LANGUAGES:
        try:
            report(sample, knowledge, language)
            knowledge.ui("unanswered_caption", language, count=1, days=90)
            knowledge.ui("unanswered_none", language, days=90)
        except (KeyError, IndexError) as error:
            raise KnowledgeError("knowledge/interface.yaml", None, f"stats_* ({language})",
                                 f"{{{error.args[0]}}} is not a placeholder /stats fills; "
                                 "see bot/records/stats.py") from None


def _share(part: int, whole: int) -> str:
    return f" ({round(100 * part / whole)}%)" if whole else ""


def _quoted(question: UnansweredQuestion) -> str:
    when = datetime.fromtimestamp(question.asked_at, UTC).strftime("%d.%m %H:%M")
    text = question.text if len(question.text) <= QUOTE_CHARS else (
        question.text[:QUOTE_CHARS - 1] + "…")
    nearest = (f" → {question.candidates[0].entry_id} {question.candidates[0].score:.2f}"
               if question.candidates else "")
    return f"• {when} [{question.language}] {text}{nearest}"
