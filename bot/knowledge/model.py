"""Typed knowledge, the only shape the rest of the bot sees (nothing else reads YAML).

The file schemas are pydantic models (extra fields forbidden), so the YAML an editor writes
is checked field by field; bot.knowledge.errors turns pydantic's complaints into messages that
name file, entry and field. Rules across fields and files (a way needs steps, a related id
must exist) are checked by bot.knowledge.loader, which can say the same.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictStr, model_validator

from bot.knowledge.errors import KnowledgeError
from bot.knowledge.names import (
    ALL_GENERATIONS,
    LANGUAGES,
    Act,
    EntryKind,
    Generation,
)


def _stripped(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


NonEmpty = Annotated[StrictStr, BeforeValidator(_stripped), Field(min_length=1)]


class Schema(BaseModel):
    """Every knowledge model: immutable, and a misspelt field is an error, not ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(Schema):
    """One text in every supported language, so a second language never restructures data."""

    en: NonEmpty
    ru: NonEmpty

    @model_validator(mode="after")
    def _same_placeholders(self) -> Text:
        names = {language: placeholders(self.in_(language), language) for language in LANGUAGES}
        first = names[LANGUAGES[0]]
        for language in LANGUAGES[1:]:
            if names[language] != first:
                raise ValueError(f"{language}: uses placeholders {sorted(names[language])}, but "
                                 f"{LANGUAGES[0]} uses {sorted(first)}")
        return self

    def in_(self, language: str) -> str:
        return str(getattr(self, language, None) or self.en)

    @property
    def by_language(self) -> dict[str, str]:
        return {language: self.in_(language) for language in LANGUAGES}


def placeholders(text: str, language: str = "") -> set[str]:
    """The {names} a text expects; ValueError on unbalanced braces, as str.format would."""
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}
    except ValueError:
        raise ValueError(f"{language}: unbalanced {{ or }}: write {{name}} for a value the bot "
                         "fills in, {{{{ or }}}} for a literal brace") from None


Generations = Annotated[frozenset[Generation], Field(min_length=1)]
Words = Annotated[tuple[NonEmpty, ...], Field(min_length=1)]


class PhraseSet(Schema):
    """How people say one thing, per language: matched against a whole short message."""

    en: Words
    ru: Words

    def in_(self, language: str) -> tuple[str, ...]:
        return tuple(getattr(self, language, None) or self.en)

    @property
    def every(self) -> tuple[str, ...]:
        """All languages' phrases: a reply may come in either language."""
        return tuple(p for language in LANGUAGES for p in self.in_(language))



class Step(Schema):
    do: Text
    tip: Text | None = None
    warning: Text | None = None  # protects people or the car: always shown with this step
    generations: Generations = ALL_GENERATIONS
    needs_tools: bool = False  # jump leads, a booster, a multimeter: asked for before it is shown
    # an instruction several ways give ("press UNLOCK twice"): a run says it once, in the first
    # way that gives it, and later ways leave the step out
    once: Annotated[str, Field(pattern=r"^[a-z0-9-]{1,40}$")] | None = None


class TableRow(Schema):
    """One row of "what fails, why, and what fixes it"."""

    part: Text
    cause: Text
    remedy: Text


class Entry(Schema):
    id: NonEmpty
    kind: EntryKind
    title: Text
    answer: Text  # the short answer: the one thing to try now, two or three lines
    generations: Generations
    steps: tuple[Step, ...] = ()
    tips: tuple[Text, ...] = ()
    warnings: tuple[Text, ...] = ()
    table: tuple[TableRow, ...] = ()
    generation_notes: Mapping[Generation, Text] = Field(default_factory=dict)
    prevention: Text | None = None
    phrasings: PhraseSet
    related: tuple[NonEmpty, ...] = ()
    sources: Annotated[tuple[NonEmpty, ...], Field(min_length=1)]
    # Asked before this way in an "it won't open" run, because not every car has it:
    # "Does your boot lid lift by itself?" No skips the way.
    ask_first: Text | None = None

    @property
    def is_way(self) -> bool:
        return self.kind is EntryKind.WAY

    def applies_to(self, generation: Generation | None) -> bool:
        return generation is None or generation in self.generations

    def steps_for(self, generation: Generation | None) -> tuple[Step, ...]:
        """The steps this owner's car needs; all of them when the generation is unknown."""
        if generation is None:
            return self.steps
        return tuple(step for step in self.steps if generation in step.generations)

    @property
    def has_more(self) -> bool:
        """Anything for the "More" screen beyond the short answer and the steps."""
        return bool(self.tips or self.warnings or self.table or self.generation_notes
                    or self.prevention)


class Source(Schema):
    """Where a claim comes from: the seed article, a handbook page, an owners' forum."""

    title: NonEmpty
    url: NonEmpty | None = None
    note: NonEmpty | None = None  # what it confirms, in a line


QUICK_MENUS = ("guided", "ways", "faq")


class QuickReply(Schema):
    """A button of the keyboard under the input field: walks a way or opens a menu."""

    label: NonEmpty  # an interface text key
    walk: NonEmpty | None = None  # a way's entry id
    menu: Literal["guided", "ways", "faq"] | None = None

    @model_validator(mode="after")
    def _walk_or_menu(self) -> QuickReply:
        if (self.walk is None) == (self.menu is None):
            raise ValueError("a button has a label and either walk or menu")
        return self


class Guided(Schema):
    entry: NonEmpty  # the problem the run answers: "it won't open" lands here and starts it
    order: Words
    offered_by: tuple[NonEmpty, ...] = ()
    at_the_end: tuple[NonEmpty, ...] = ()  # entries the honest end of a run offers



class WordRule(Schema):
    """Holds when a message has a word or phrase from each group, and none from none_of.
    Plain words, as typed (typos repaired): "in" tells "my dog is in the boot" from "my son
    can't open the boot", though it means nothing to the matcher. A word ending in "*"
    matches any ending ("ребен*": ребенок, ребенка)."""

    groups: Annotated[tuple[Words, ...], Field(min_length=1)]
    none_of: tuple[NonEmpty, ...] = ()
    # only once the chat is about the boot: "he's in there!!" says it without naming it
    in_context: bool = False


class Urgent(Schema):
    """A message that must be answered before anything else: someone shut in the boot."""

    entry: NonEmpty  # the entry it is answered with
    lead: NonEmpty | None = None  # an interface text said first, if any
    emergency: bool = False  # a danger to someone: the reply is an emergency
    rules: Annotated[tuple[WordRule, ...], Field(min_length=1)]


class WontOpen(Schema):
    """A message that says the boot won't open: it names a failure concept and one of
    `about`, and none of `none_of` (synonyms.yaml concepts). When it names nothing more
    `specific` either (a way, a part, a cause), it is the commonest problem whatever entry
    the matcher prefers; otherwise only when the matcher is unsure and offers it too. Said in
    passing, it does not overrule one of the entries `beside` the walk that plainly fits
    ("froze overnight and now the hatch is stuck")."""

    failure: Words
    about: Words
    trunk: Words  # naming the boot: another part named beside it does not stop the rule
    none_of: tuple[NonEmpty, ...] = ()
    specific: tuple[NonEmpty, ...] = ()
    beside: tuple[NonEmpty, ...] = ()  # entry ids: situations the run's ways do not cover


class Symptom(Schema):
    """Something the person saw that changes the advice (knowledge/intents.yaml): a line
    saying what it means, then the way it points to in the run, or an answer."""

    lead: NonEmpty  # an interface text: what it means
    way: NonEmpty | None = None  # the run goes on at this way, the ones before it passed over
    answer: NonEmpty | None = None  # or this entry's answer is shown
    rules: Annotated[tuple[WordRule, ...], Field(min_length=1)]

    @model_validator(mode="after")
    def _one_effect(self) -> Symptom:
        if (self.way is None) == (self.answer is None):
            raise ValueError("give exactly one of way (a way of the run) or answer (an "
                             "entry)")
        return self


class ForeignLanguage(Schema):
    """A language the bot does not speak, and how to tell it (knowledge/intents.yaml)."""

    code: NonEmpty  # ISO 639-1: uk, be, kk, de; answered in the bot's language of its script
    letters: str = ""  # letters only this language uses (among those the bot meets)
    words: frozenset[NonEmpty] = frozenset()  # its commonest words, as typed


class Intents(Schema):
    """What a message means besides a question (knowledge/intents.yaml)."""

    walk: Mapping[str, PhraseSet]  # typed replies while a walk is on screen: worked, next ...
    answers: Mapping[str, PhraseSet]  # yes / no to a question the bot asked
    small_talk: Mapping[str, PhraseSet]  # greeting, thanks ...
    emojis: Mapping[str, Words]  # an emoji alone: the walk replies or small talk it means
    negations: PhraseSet  # words that turn "it worked" into "it didn't"
    negative_meanings: Words  # meanings that are refusals already ("still shut"): "nah" keeps them
    fillers: PhraseSet  # words that may surround a reply without changing it ("sorry", "mate")
    urgent: Mapping[str, Urgent]  # someone or the keys shut in the boot
    tried: PhraseSet  # "tried", "пробовал": the ways a message names did not work
    tried_with_two: PhraseSet  # weaker signs of trying: only with two ways named
    wondering: PhraseSet  # "may have", "could": the weaker signs are then a guess, not a report
    deictic: PhraseSet  # "that", "exactly", "это": a question pointing at what is on screen
    someone: PhraseSet  # words that may name someone: without them, nobody is shut in
    freed: PhraseSet  # "she's out", "вытащили": on the emergency screens, it opened
    tried_ways: Mapping[str, Words]  # way's id -> the synonym concepts that name it
    other_makes: PhraseSet  # other makes and models: the answer is for a Qashqai
    our_car: PhraseSet  # the Qashqai by its names: never another make ("Rogue Sport")
    comparisons: PhraseSet  # "like on my old honda": another make beside ours, not instead
    wont_open: WontOpen  # "boot. stuck.", "still won't open": the run, whatever the match
    no_tools: PhraseSet  # "no jump leads with me": the run skips the steps that need tools
    foreign_languages: tuple[ForeignLanguage, ...] = ()  # checked in order: the first that fits
    symptoms: Mapping[str, Symptom] = Field(default_factory=dict)  # what was seen: what it means


class Glossary(Schema):
    """The words user-facing text uses, and those it must not (knowledge/glossary.yaml)."""

    terms: Mapping[str, Text]  # concept -> the word used in each language
    retired: PhraseSet  # mistranslations and other varieties: never in user-facing text
    explanations: Mapping[str, NonEmpty] = Field(default_factory=dict)  # retired -> why


class PicturePlace(Schema):
    """Where a picture is shown: an entry's answer, or one of its steps."""

    entry: NonEmpty
    step: Annotated[int, Field(ge=0)] | None = None  # 0-based, as in the entry's `steps`


class PictureSpec(Schema):
    """One drawing as knowledge/pictures.yaml describes it."""

    drawing: NonEmpty  # an SVG file under knowledge/pictures/
    title: Text  # what it shows, in a few words
    labels: Mapping[str, Text]  # label id (data-label="..." in the SVG) -> its text
    shown_with: Annotated[tuple[PicturePlace, ...], Field(min_length=1)]


@dataclass(frozen=True)
class Picture:
    """A drawing, loaded: its SVG source with the labels still to fill in, one per language,
    and where its PNG in each language is kept once drawn (bot/pictures/drawing.py)."""

    name: str
    svg: str
    title: Text
    labels: Mapping[str, Text]
    shown_with: tuple[PicturePlace, ...]
    drawn: Mapping[str, Path]  # language -> knowledge/pictures/drawn/{name}.{language}.png


@dataclass(frozen=True)
class ConceptRoles:
    """What some synonym concepts mean to the matcher's decision (concept_roles.yaml)."""

    trunk_parts: frozenset[str]
    subjects: frozenset[str]  # trunk_parts and the generation concepts included
    generations: Mapping[str, Generation]  # concept -> generation
    about_generations: frozenset[str]  # concepts that make generations the subject
    off_topic: frozenset[str]  # concepts that name something other than the boot


@dataclass(frozen=True)
class Examples:
    """Labelled messages the learned classifiers are fitted on (bot/matching/training.py)."""

    acts: Mapping[Act, tuple[str, ...]] = field(default_factory=dict)
    shut_in: tuple[str, ...] = ()  # someone or an animal in the boot: an emergency
    not_shut_in: tuple[str, ...] = ()  # look-alikes: "the cat litter is in the boot"
    questions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # entry id or "none"


@dataclass(frozen=True)
class Knowledge:
    """Everything the bot knows, loaded and validated once at start-up."""

    entries: Mapping[str, Entry]
    guided_entry: str  # "it won't open": a question landing here starts the run
    guided_order: tuple[str, ...]
    guided_offered_by: frozenset[str]  # entries whose answer offers to start the guided run
    guided_end: tuple[str, ...]  # entries the honest end of a run offers (what to tell a garage)
    interface: Mapping[str, Text]
    synonyms: Mapping[str, Mapping[str, tuple[str, ...]]]  # language -> concept -> variants
    off_topic: Mapping[str, tuple[str, ...]]  # language -> words naming other car parts
    stopwords: Mapping[str, tuple[str, ...]]  # language -> words that tell no topic apart
    concept_roles: ConceptRoles
    quick_replies: tuple[QuickReply, ...]
    intents: Intents
    sources: Mapping[str, Source]
    glossary: Glossary
    version: str  # short digest of the files: buttons from another version are stale
    pictures: Mapping[str, Picture] = field(default_factory=dict)  # knowledge/pictures.yaml
    examples: Examples = field(default_factory=lambda: Examples())  # knowledge/examples/
    models: Mapping[str, bytes] = field(default_factory=dict)  # knowledge/models/: name -> file

    def entry(self, entry_id: str) -> Entry:
        return self.entries[entry_id]

    def ui(self, key: str, language: str, **values: object) -> str:
        """An interface text in the chat's language, with {placeholders} filled in. A key
        interface.yaml lacks is a knowledge error naming it: `bot check` renders every screen,
        so it meets one there, not in a chat."""
        found = self.interface.get(key)
        if found is None:
            raise KnowledgeError("knowledge/interface.yaml", key, None,
                                 "missing: the bot shows this text")
        text = found.in_(language)
        return text.format(**values) if values else text

    @property
    def ways(self) -> tuple[Entry, ...]:
        return tuple(entry for entry in self.entries.values() if entry.is_way)

    def picture_for(self, entry: Entry, step: Step | None = None) -> Picture | None:
        """The drawing a screen about `entry` shows: its answer's (no step), else its first
        step's; a step's own, else the last one before it, else the answer's, else the
        first after it. So an entry with a drawing shows one on every screen, and its message
        stays a photo while the owner moves through it: Telegram can put a photo on a text
        message in place, but cannot take it off again."""
        places = self._picture_places
        steps = range(len(entry.steps))
        if step is None:
            order: list[int | None] = [None, *steps]
        else:
            index = next((i for i, s in enumerate(entry.steps) if s is step), 0)
            order = [*range(index, -1, -1), None, *range(index + 1, len(entry.steps))]
        return next((places[(entry.id, i)] for i in order if (entry.id, i) in places), None)

    @cached_property
    def _picture_places(self) -> dict[tuple[str, int | None], Picture]:
        return {(place.entry, place.step): picture for picture in self.pictures.values()
                for place in picture.shown_with}
