"""Typed knowledge, the only shape the rest of the bot sees (nothing else reads YAML)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

LANGUAGES: tuple[str, ...] = ("en", "ru")
DEFAULT_LANGUAGE = "en"


class Generation(StrEnum):
    """The three Qashqai generations the article tells apart."""

    J10 = "J10"
    J11 = "J11"
    J12 = "J12"


ALL_GENERATIONS: frozenset[Generation] = frozenset(Generation)


class Kind(StrEnum):
    METHOD = "method"  # a way to open the trunk, walked one step at a time
    TOPIC = "topic"
    FAQ = "faq"


@dataclass(frozen=True)
class Text:
    """One text in every supported language, so a second language never restructures data."""

    by_language: Mapping[str, str]

    def in_(self, language: str) -> str:
        return self.by_language.get(language) or self.by_language[DEFAULT_LANGUAGE]


@dataclass(frozen=True)
class Step:
    do: Text
    tip: Text | None = None
    warning: Text | None = None
    generations: frozenset[Generation] = ALL_GENERATIONS


@dataclass(frozen=True)
class TableRow:
    """One row of "what fails, why, and what fixes it"."""

    part: Text
    cause: Text
    remedy: Text


@dataclass(frozen=True)
class Entry:
    id: str
    kind: Kind
    title: Text
    answer: Text
    generations: frozenset[Generation]
    steps: tuple[Step, ...] = ()
    tips: tuple[Text, ...] = ()
    warnings: tuple[Text, ...] = ()
    table: tuple[TableRow, ...] = ()
    generation_notes: Mapping[Generation, Text] = field(default_factory=dict)
    prevention: Text | None = None
    phrasings: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    related: tuple[str, ...] = ()

    @property
    def is_method(self) -> bool:
        return self.kind is Kind.METHOD

    def applies_to(self, generation: Generation | None) -> bool:
        return generation is None or generation in self.generations

    def steps_for(self, generation: Generation | None) -> tuple[Step, ...]:
        """The steps this owner's car needs; all of them when the generation is unknown."""
        if generation is None:
            return self.steps
        return tuple(step for step in self.steps if generation in step.generations)


QUICK_MENUS = ("ways", "faq")


@dataclass(frozen=True)
class QuickReply:
    """A button of the keyboard under the input field: walks a method or opens a menu."""

    label: str  # an interface text key
    walk: str | None = None  # a method's entry id
    menu: str | None = None  # one of QUICK_MENUS


@dataclass(frozen=True)
class ConceptRoles:
    """What some synonym concepts mean to the matcher's decision (concept_roles.yaml)."""

    trunk_parts: frozenset[str]
    subjects: frozenset[str]  # trunk parts and generation concepts included
    generations: Mapping[str, Generation]  # concept -> generation


@dataclass(frozen=True)
class Knowledge:
    """Everything the bot knows, loaded and validated once at start-up."""

    entries: Mapping[str, Entry]
    guided_order: tuple[str, ...]
    guided_offered_by: frozenset[str]  # entries whose answer offers to start the guided run
    interface: Mapping[str, Text]
    synonyms: Mapping[str, Mapping[str, tuple[str, ...]]]  # language -> concept -> variants
    off_topic: Mapping[str, tuple[str, ...]]  # language -> words naming other car parts
    stopwords: Mapping[str, tuple[str, ...]]  # language -> words that tell no topic apart
    concept_roles: ConceptRoles
    quick_replies: tuple[QuickReply, ...]
    version: str  # short digest of the files: buttons from another version are stale

    def entry(self, entry_id: str) -> Entry:
        return self.entries[entry_id]

    def ui(self, key: str, language: str, **values: object) -> str:
        """An interface text in the chat's language, with {placeholders} filled in."""
        text = self.interface[key].in_(language)
        return text.format(**values) if values else text

    @property
    def methods(self) -> tuple[Entry, ...]:
        return tuple(entry for entry in self.entries.values() if entry.is_method)
