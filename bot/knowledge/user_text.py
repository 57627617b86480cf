"""Every text a user reads, and the glossary check over it.

The glossary (knowledge/glossary.yaml) names the words the bot uses for each thing and the
ones it must never show: the seed article's mistranslations ("sash", "keychain") and the
other variety of English ("trunk", "flashlight"). Phrasings are how owners ask, so they may
use any word; everything else is checked here, at start-up, so a retired word fails
`python -m bot check` rather than reaching an owner. That includes the words drawn into the
pictures (their titles and labels in knowledge/pictures.yaml): an owner reads those too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path

from bot.knowledge.errors import KnowledgeError
from bot.knowledge.model import Entry, Glossary, Picture, Text
from bot.knowledge.names import LANGUAGES


def entry_texts(entry: Entry) -> Iterator[tuple[str, Text]]:
    """(field, text) for every user-facing text of an entry; phrasings are not shown."""
    yield "title", entry.title
    yield "answer", entry.answer
    if entry.ask_first is not None:
        yield "ask_first", entry.ask_first
    for index, step in enumerate(entry.steps):
        yield f"steps[{index}].do", step.do
        if step.tip is not None:
            yield f"steps[{index}].tip", step.tip
        if step.warning is not None:
            yield f"steps[{index}].warning", step.warning
    for index, tip in enumerate(entry.tips):
        yield f"tips[{index}]", tip
    for index, warning in enumerate(entry.warnings):
        yield f"warnings[{index}]", warning
    for index, row in enumerate(entry.table):
        yield f"table[{index}].part", row.part
        yield f"table[{index}].cause", row.cause
        yield f"table[{index}].remedy", row.remedy
    for generation, note in entry.generation_notes.items():
        yield f"generation_notes.{generation}", note
    if entry.prevention is not None:
        yield "prevention", entry.prevention


def picture_texts(picture: Picture) -> Iterator[tuple[str, Text]]:
    """(field, text) for every word a picture shows: its title (the caption's) and labels."""
    yield "title", picture.title
    for label, text in picture.labels.items():
        yield f"labels.{label}", text


def check_glossary(glossary: Glossary, entries: Mapping[str, Entry],
                   interface: Mapping[str, Text], root: Path,
                   pictures: Mapping[str, Picture] | None = None) -> None:
    """Raise KnowledgeError at the first user-facing text that uses a retired term."""
    patterns = {language: [(term, _word_pattern(term))
                           for term in getattr(glossary.retired, language)]
                for language in LANGUAGES}

    def check(text: Text, file: str, entry: str | None, field: str) -> None:
        for language in LANGUAGES:
            for term, pattern in patterns[language]:
                if pattern.search(text.in_(language)):
                    why = glossary.explanations.get(term, "")
                    raise KnowledgeError(file, entry, f"{field}.{language}",
                                         f"uses the retired term '{term}'"
                                         + (f" ({why})" if why else "")
                                         + ": see knowledge/glossary.yaml")

    folder = root.name
    for entry in entries.values():
        for field, text in entry_texts(entry):
            check(text, f"{folder}/entries/{entry.id}.yaml", entry.id, field)
    for key, text in interface.items():
        check(text, f"{folder}/interface.yaml", key, "text")
    for name, picture in (pictures or {}).items():
        for field, text in picture_texts(picture):
            check(text, f"{folder}/pictures.yaml", name, field)


def _word_pattern(term: str) -> re.Pattern[str]:
    """The term as whole words, any case; a term ending in '*' matches any ending."""
    stem = term.rstrip("*")
    tail = r"\w*" if term.endswith("*") else r"(?!\w)"
    return re.compile(r"(?<!\w)" + re.escape(stem) + tail, re.IGNORECASE)
