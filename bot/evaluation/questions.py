"""Scores what the bot answers on a labelled question set (tests/data/dev.yaml's format).

The answer is the reader's (bot.matching.reader): the matcher's best entry, unless the
message is urgent (someone shut in the boot), small talk, or about another make.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.matching.reader import Reader, Reading

NONE = "none"


@dataclass(frozen=True)
class LabelledQuestion:
    question: str
    language: str
    expect: tuple[str, ...]

    @property
    def in_domain(self) -> bool:
        return self.expect != (NONE,)


@dataclass
class LanguageScore:
    asked: int = 0
    top1: int = 0
    top3: int = 0


@dataclass
class Report:
    by_language: dict[str, LanguageScore] = field(default_factory=dict)
    out_of_domain: int = 0
    rejected: int = 0
    misses: list[tuple[LabelledQuestion, Reading]] = field(default_factory=list)

    def top1(self, language: str) -> float:
        score = self.by_language[language]
        return score.top1 / score.asked if score.asked else 0.0

    def top3(self, language: str) -> float:
        score = self.by_language[language]
        return score.top3 / score.asked if score.asked else 0.0

    @property
    def rejection(self) -> float:
        return self.rejected / self.out_of_domain if self.out_of_domain else 0.0


def read_questions(path: Path) -> list[LabelledQuestion]:
    items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return [LabelledQuestion(str(i["q"]), str(i.get("lang", "en")), tuple(i["expect"]))
            for i in items]


def evaluate(reader: Reader, questions: Sequence[LabelledQuestion]) -> Report:
    """Top-1 counts what the bot would actually answer (a "did you mean" is not an answer);
    top-3 counts whether an acceptable entry is among the first three ranked."""
    report = Report()
    for item in questions:
        result = reader.read(item.question)
        if not item.in_domain:
            report.out_of_domain += 1
            if result.answer_id is None:
                report.rejected += 1
            else:
                report.misses.append((item, result))
            continue
        score = report.by_language.setdefault(item.language, LanguageScore())
        score.asked += 1
        hit = result.answer_id in item.expect
        score.top1 += hit
        score.top3 += any(m.entry_id in item.expect for m in result.match.matches[:3])
        if not hit:
            report.misses.append((item, result))
    return report


def format_report(report: Report, *, show_misses: bool = True) -> str:
    """With show_misses=False only figures: a first-sight set is measured, never read."""
    lines = ["misses:"] if report.misses and show_misses else []
    for item, result in report.misses if show_misses else ():
        ranked = ", ".join(f"{m.entry_id} {m.score:.2f}"
                           for m in result.match.matches[:3]) or "-"
        lines.append(f"  [{item.language}] {item.question!r}: expected {'/'.join(item.expect)}, "
                     f"got {result.answer_id or 'no answer'} ({result.match.outcome}; {ranked})")
    for language, score in sorted(report.by_language.items()):
        lines.append(f"{language}: top-1 {report.top1(language):.3f} ({score.top1}/{score.asked}), "
                     f"top-3 {report.top3(language):.3f} ({score.top3}/{score.asked})")
    lines.append(f"out-of-domain rejection: {report.rejection:.3f} "
                 f"({report.rejected}/{report.out_of_domain})")
    return "\n".join(lines)
