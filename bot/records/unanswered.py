"""The questions the bot could not answer, made useful: grouped by the entry they came
nearest, as a CSV file (/unanswered), and as YAML phrasings to paste into the knowledge.

This is the loop question-answering services close with "active learning" (Azure) or
"conversation review" (Rasa): someone reads what owners asked and could not get answered,
and adds the good ones as phrasings of the entry they belong to; `python -m bot check` and
`python -m bot eval` then show what that changed.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import yaml

from bot.storage.interface import UnansweredQuestion

NO_ENTRY = ""  # declined with nothing near: the group of questions about something else
CSV_COLUMNS = ("asked_at_utc", "language", "outcome", "question", "times", "nearest",
               "nearest_score", "candidates")
# Telegram takes files of up to 50 MB from a bot: /unanswered sends pages well under it.
PAGE_BYTES = 45 * 1024 * 1024
BOM = "\ufeff".encode()
# A spreadsheet runs a cell as a formula when it starts with one of these, and in Russian or
# German locales it splits a CSV on ';' (or a tab), whatever the file's own delimiter: so a
# formula character at the start of a cell, or after any separator, quote (a quoted field
# ends there) and spaces inside one, gets an apostrophe before it, which makes the rest text.
_FORMULA = re.compile(r"(^|[,;\t|\r\n\"])( *)(?=[=+\-@\t\r])")


@dataclass(frozen=True)
class Wording:
    """One wording and how often it was asked (its case and spacing aside)."""

    text: str
    language: str
    count: int


@dataclass(frozen=True)
class Group:
    nearest: str  # an entry id, or NO_ENTRY
    count: int
    asked: tuple[Wording, ...]  # most asked first


def nearest(question: UnansweredQuestion) -> str:
    return question.candidates[0].entry_id if question.candidates else NO_ENTRY


def grouped(questions: Iterable[UnansweredQuestion]) -> list[Group]:
    """By nearest entry, most questions first; within a group, most asked wording first."""
    wordings: dict[str, Counter[tuple[str, str]]] = {}
    spelled: dict[tuple[str, str], str] = {}  # the first spelling seen of each wording
    for question in questions:
        key = (" ".join(question.text.casefold().split()), question.language)
        spelled.setdefault(key, question.text)
        wordings.setdefault(nearest(question), Counter())[key] += question.times
    groups = [Group(entry, sum(counts.values()),
                    tuple(Wording(spelled[key], key[1], n)
                          for key, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))))
              for entry, counts in wordings.items()]
    return sorted(groups, key=lambda g: (-g.count, g.nearest == NO_ENTRY, g.nearest))


def as_csv(questions: Iterable[UnansweredQuestion]) -> Iterator[bytes]:
    """Line by line, never the whole file in memory: oldest first (by when last asked),
    UTF-8 with a byte order mark (so spreadsheets read Cyrillic right), and nothing a
    spreadsheet would run as a formula, however it splits the lines (_FORMULA): owners typed
    the questions."""
    yield BOM + _line(CSV_COLUMNS)
    for question in questions:
        best = question.candidates[0] if question.candidates else None
        yield _line((
            datetime.fromtimestamp(question.asked_at, UTC).strftime("%Y-%m-%d %H:%M:%S"),
            question.language, question.outcome, _as_text(question.text), str(question.times),
            best.entry_id if best else "", f"{best.score:.3f}" if best else "",
            " ".join(f"{c.entry_id}:{c.score:.3f}" for c in question.candidates),
        ))


def as_csv_pages(questions: Iterable[UnansweredQuestion], page_bytes: int = PAGE_BYTES
                 ) -> Iterator[bytes]:
    """The CSV as files of at most `page_bytes` each, every one a whole CSV (its own byte
    order mark and header), made one at a time."""
    lines = as_csv(questions)
    header = next(lines)
    page = [header]
    size = len(header)
    for line in lines:
        if size + len(line) > page_bytes and len(page) > 1:
            yield b"".join(page)
            page, size = [header], len(header)
        page.append(line)
        size += len(line)
    yield b"".join(page)


def _line(cells: Sequence[str]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerow(cells)
    return out.getvalue().encode()


def as_phrasings(groups: Sequence[Group]) -> str:
    """YAML in the shape of an entry's `phrasings` (knowledge/README.md): entry -> language ->
    wordings, to read through and paste into knowledge/entries/<entry>.yaml."""
    by_entry: dict[str, dict[str, list[str]]] = {}
    for group in groups:
        languages = by_entry.setdefault(group.nearest or "no-entry-near", {})
        for asked in group.asked:
            languages.setdefault(asked.language, []).append(asked.text)
    header = ("# Questions the bot could not answer, by the entry they came nearest\n"
              "# (python -m bot unanswered --yaml). Read each: paste those that belong to an\n"
              "# entry under `phrasings` in knowledge/entries/<entry>.yaml, in their language;\n"
              "# no-entry-near lists what may need a new entry, or off_topic.yaml.\n")
    return header + yaml.safe_dump(by_entry, allow_unicode=True, sort_keys=False, width=100)


def listing(groups: Sequence[Group]) -> list[str]:
    """For the terminal: each group with its count, then each wording with its count."""
    lines = []
    for group in groups:
        lines.append(f"{group.nearest or '(no entry near)'}  {group.count}")
        lines += [f"  {asked.count:>4}  [{asked.language}] {asked.text}" for asked in group.asked]
    return lines


def _as_text(cell: str) -> str:
    return _FORMULA.sub(r"\1\2'", cell)
