"""Turns the YAML under knowledge/ into validated, typed objects, once, at start-up.

Validation is strict on purpose: a typo in a field name or a missing translation must stop
start-up with a message that points at the file, the entry and the field, rather than show
an owner in a car park an empty button. The shape of each file is its pydantic model's job
(bot.knowledge.model); what spans fields or files (ids that must exist, a way's steps,
the glossary) is checked here.
"""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from bot.knowledge.errors import KnowledgeError, from_validation
from bot.knowledge.model import (
    ConceptRoles,
    Entry,
    Examples,
    Glossary,
    Guided,
    Intents,
    Knowledge,
    PhraseSet,
    Picture,
    PictureSpec,
    QuickReply,
    Schema,
    Source,
    Text,
    Words,
)
from bot.knowledge.names import LANGUAGES, NO_ENTRY, Act, Generation
from bot.knowledge.user_text import check_glossary

PACKAGED = "data"  # bot/knowledge/data in a wheel: pyproject.toml's force-include


def _knowledge_directory() -> Path:
    """knowledge/ stays at the top of the repository, for the people who write it; a wheel
    carries a copy inside this package (pyproject.toml maps it there), found through
    importlib.resources wherever the wheel is installed. From a source tree, or an editable
    install, there is no copy, and the one beside bot/ is it."""
    packaged = resources.files(__package__) / PACKAGED
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "knowledge"


DEFAULT_DIRECTORY = _knowledge_directory()
# libyaml's safe loader where PyYAML was built with it (its wheels are): C, not pure Python, for
# start-up's sake; the same documents and the same line numbers in errors
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

WALK_INTENTS = ("worked", "failed", "next", "back", "repeat", "skip", "stop")
ANSWER_INTENTS = ("yes", "no")
_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")
Model = TypeVar("Model", bound=BaseModel)


class _File:
    """One knowledge file, and how errors about it name it."""

    def __init__(self, path: Path, root: Path) -> None:
        self.path = path
        try:
            self.shown = str(path.relative_to(root.parent))
        except ValueError:
            self.shown = str(path)

    def error(self, entry: str | None, field: str | None, problem: str) -> KnowledgeError:
        return KnowledgeError(self.shown, entry, field, problem)

    def read(self) -> Any:
        try:
            return yaml.load(self.path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
        except yaml.YAMLError as exc:
            raise self.error(None, None, f"not valid YAML: {exc}") from exc
        except OSError as exc:
            raise self.error(None, None, f"cannot be read: {exc.strerror}") from exc

    def read_mapping(self) -> Mapping[str, Any]:
        data = self.read()
        if not isinstance(data, Mapping):
            raise self.error(None, None, "must be a mapping of field: value at the top level")
        return data

    def validate(self, schema: type[Model], data: Any, entry: str | None = None,
                 prefix: str = "") -> Model:
        try:
            return schema.model_validate(data)
        except ValidationError as error:
            raise from_validation(error, schema, self.shown, entry, prefix) from None


def load_knowledge(directory: Path = DEFAULT_DIRECTORY) -> Knowledge:
    """Load and validate everything; raise KnowledgeError on the first problem found."""
    directory = directory.resolve()

    def file(name: str) -> _File:
        return _File(directory / name, directory)

    sources = _load_sources(file("sources.yaml"))
    entries = _load_entries(directory, sources)
    guided = _load_guided(file("guided.yaml"), entries)
    interface = _load_interface(file("interface.yaml"))
    synonyms = _load_synonyms(file("synonyms.yaml"))
    off_topic = _load_words(file("off_topic.yaml"))
    stopwords = _load_words(file("stopwords.yaml"))
    roles = _load_concept_roles(file("concept_roles.yaml"), synonyms)
    quick = _load_quick_replies(file("quick_replies.yaml"), entries, interface)
    intents = _load_intents(file("intents.yaml"), entries, synonyms, interface)
    glossary_file = file("glossary.yaml")
    glossary = glossary_file.validate(Glossary, glossary_file.read_mapping())
    pictures = _load_pictures(file("pictures.yaml"), entries)
    check_glossary(glossary, entries, interface, directory, pictures)
    examples = _load_examples(directory / "examples", entries)
    return Knowledge(
        entries=entries,
        guided_entry=guided.entry,
        guided_order=guided.order,
        guided_offered_by=frozenset(guided.offered_by),
        guided_end=guided.at_the_end,
        interface=interface,
        synonyms=synonyms,
        off_topic=off_topic,
        stopwords=stopwords,
        concept_roles=roles,
        quick_replies=quick,
        intents=intents,
        sources=sources,
        glossary=glossary,
        version=_structure_digest(entries, guided.order),
        pictures=pictures,
        examples=examples,
        models=_load_models(directory / "models"),
    )


def _structure_digest(entries: Mapping[str, Entry], guided: tuple[str, ...]) -> str:
    """Changes when buttons could point somewhere that moved (ids, step counts, order),
    not when a text is reworded, so a typo fix does not make every open menu stale."""
    shape = "|".join(f"{e.id}:{e.kind}:{len(e.steps)}" for e in entries.values())
    shape += "|" + ",".join(guided)
    return hashlib.sha256(shape.encode()).hexdigest()[:4]


# -- entries ---------------------------------------------------------------------------------


def _load_entries(directory: Path, sources: Mapping[str, Source]) -> dict[str, Entry]:
    entry_files = sorted((directory / "entries").rglob("*.yaml"))  # subfolders group entries
    if not entry_files:
        raise KnowledgeError(str(directory / "entries"), None, None, "no entry files (*.yaml)")
    entries: dict[str, Entry] = {}
    origin: dict[str, _File] = {}
    for path in entry_files:
        file = _File(path, directory)
        entry = _load_entry(file)
        if entry.id in entries:
            first = origin[entry.id].path.relative_to(directory / "entries")
            raise file.error(entry.id, "id", f"duplicate id '{entry.id}', already used in {first}")
        entries[entry.id] = entry
        origin[entry.id] = file
    for entry in entries.values():
        _check_references(entry, entries, sources, origin[entry.id])
    return entries


def _load_entry(file: _File) -> Entry:
    data = file.read_mapping()
    entry_id = data.get("id")
    if not isinstance(entry_id, str) or not entry_id.strip():
        raise file.error(None, "id", "missing; give the entry an id such as 'lid-button'")
    if not _ID.fullmatch(entry_id):
        raise file.error(entry_id, "id", "use 1-40 lower-case letters, digits and dashes, "
                         "e.g. 'lid-button'")
    if entry_id != file.path.stem:
        raise file.error(entry_id, "id", f"must match the file name: rename the file to "
                         f"{entry_id}.yaml or the id to '{file.path.stem}'")
    entry = file.validate(Entry, data, entry_id)
    if entry.is_way and not entry.steps:
        raise file.error(entry_id, "steps", "a way needs at least one step")
    if entry.is_way and entry.prevention is None:
        raise file.error(entry_id, "prevention", "a way needs a prevention tip to show when "
                         "it worked")
    if entry.table and not entry.steps and not entry.answer:
        raise file.error(entry_id, "table", "a table needs an answer to introduce it")
    return entry


def _check_references(entry: Entry, entries: Mapping[str, Entry],
                      sources: Mapping[str, Source], file: _File) -> None:
    for index, related in enumerate(entry.related):
        if related not in entries:
            raise file.error(entry.id, f"related[{index}]", f"unknown id '{related}'; known: "
                             + ", ".join(sorted(entries)))
        if related == entry.id:
            raise file.error(entry.id, f"related[{index}]", "an entry cannot be related to "
                             "itself")
    for index, source in enumerate(entry.sources):
        if source not in sources:
            raise file.error(entry.id, f"sources[{index}]", f"unknown source '{source}'; "
                             "add it to knowledge/sources.yaml or use one of: "
                             + ", ".join(sorted(sources)))


def _load_sources(file: _File) -> dict[str, Source]:
    data = file.read_mapping()
    sources = {}
    for key, value in data.items():
        if not _ID.fullmatch(str(key)):
            raise file.error(str(key), None, "a source id is 1-40 lower-case letters, digits "
                             "and dashes")
        sources[str(key)] = file.validate(Source, value, str(key))
    return sources


# -- the other files -------------------------------------------------------------------------


def _load_guided(file: _File, entries: Mapping[str, Entry]) -> Guided:
    guided = file.validate(Guided, file.read_mapping())
    if guided.entry not in entries:
        raise file.error(None, "entry", f"unknown id '{guided.entry}'")
    seen: set[str] = set()
    for index, entry_id in enumerate(guided.order):
        where = f"order[{index}]"
        if entry_id not in entries:
            raise file.error(None, where, f"unknown id '{entry_id}'")
        if not entries[entry_id].is_way:
            raise file.error(None, where, f"'{entry_id}' is not a way (kind: way)")
        if entry_id in seen:
            raise file.error(None, where, f"'{entry_id}' is listed twice")
        seen.add(entry_id)
    for field in ("offered_by", "at_the_end"):
        for index, entry_id in enumerate(getattr(guided, field)):
            if entry_id not in entries:
                raise file.error(None, f"{field}[{index}]", f"unknown id '{entry_id}'")
    return guided


def _load_interface(file: _File) -> dict[str, Text]:
    """Which keys the code asks for is a test's to say (tests/unit/test_interface_strings.py),
    from reading the code."""
    return {str(key): file.validate(Text, value, str(key), "text")
            for key, value in file.read_mapping().items()}


def _load_synonyms(file: _File) -> dict[str, dict[str, tuple[str, ...]]]:
    """language -> concept -> variants."""
    data = file.read_mapping()
    result: dict[str, dict[str, tuple[str, ...]]] = {}
    for language in LANGUAGES:
        block = data.get(language)
        if not isinstance(block, Mapping) or not block:
            raise file.error(None, language, "must map each concept to a list of words")
        result[language] = {}
        for concept, words in block.items():
            if not isinstance(words, list) or not words:
                raise file.error(str(concept), language, "needs a non-empty list of words")
            result[language][str(concept)] = file.validate(_ConceptWords, {"words": words},
                                                           str(concept), language).words
    unknown = set(data) - set(LANGUAGES)
    if unknown:
        raise file.error(None, sorted(unknown)[0], "unknown language; valid: en, ru")
    return result


class _ConceptWords(Schema):
    words: Words


def _load_words(file: _File) -> dict[str, tuple[str, ...]]:
    """language -> words (off_topic.yaml, stopwords.yaml)."""
    words = file.validate(PhraseSet, file.read_mapping())
    return {language: getattr(words, language) for language in LANGUAGES}


class _ConceptRolesFile(Schema):
    trunk_parts: Words
    subjects: Words
    generations: Mapping[Generation, str]
    about_generations: Words
    off_topic: Words


def _load_concept_roles(file: _File, synonyms: Mapping[str, Mapping[str, Any]]) -> ConceptRoles:
    roles = file.validate(_ConceptRolesFile, file.read_mapping())
    concepts = _concepts(synonyms)
    for field in ("trunk_parts", "subjects", "about_generations", "off_topic"):
        for index, name in enumerate(getattr(roles, field)):
            if name not in concepts:
                raise file.error(None, f"{field}[{index}]", f"'{name}' is not a concept in "
                                 "synonyms.yaml")
    for generation, concept in roles.generations.items():
        if concept not in concepts:
            raise file.error(None, f"generations.{generation}", f"'{concept}' is not a "
                             "concept in synonyms.yaml")
    generations = {concept: generation for generation, concept in roles.generations.items()}
    trunk_parts = frozenset(roles.trunk_parts)
    return ConceptRoles(
        trunk_parts=trunk_parts,
        subjects=trunk_parts | frozenset(roles.subjects) | frozenset(generations),
        generations=generations,
        about_generations=frozenset(roles.about_generations),
        off_topic=frozenset(roles.off_topic),
    )


def _concepts(synonyms: Mapping[str, Mapping[str, Any]]) -> set[str]:
    return {concept for by_concept in synonyms.values() for concept in by_concept}


def _load_quick_replies(file: _File, entries: Mapping[str, Entry],
                        interface: Mapping[str, Text]) -> tuple[QuickReply, ...]:
    raw = file.read()
    if not isinstance(raw, list) or not raw:
        raise file.error(None, None, "must be a list of buttons: {label: ..., walk: ... | "
                         "menu: ...}")
    buttons = []
    for index, item in enumerate(raw):
        button = file.validate(QuickReply, item, prefix=f"[{index}]")
        if button.label not in interface:
            raise file.error(None, f"[{index}].label", f"'{button.label}' is not in "
                             "interface.yaml")
        if button.walk is not None and (button.walk not in entries
                                        or not entries[button.walk].is_way):
            raise file.error(None, f"[{index}].walk", f"'{button.walk}' is not a way's "
                             "entry id")
        buttons.append(button)
    return tuple(buttons)


def _load_intents(file: _File, entries: Mapping[str, Entry],
                  synonyms: Mapping[str, Mapping[str, Any]],
                  interface: Mapping[str, Text]) -> Intents:
    intents = file.validate(Intents, file.read_mapping())
    for section, wanted in (("walk", WALK_INTENTS), ("answers", ANSWER_INTENTS)):
        missing = [name for name in wanted if name not in getattr(intents, section)]
        unknown = [name for name in getattr(intents, section) if name not in wanted]
        if missing or unknown:
            raise file.error(None, section, f"needs exactly: {', '.join(wanted)}")
    known_meanings = {*WALK_INTENTS, *intents.small_talk}
    for emoji, meanings in intents.emojis.items():
        for meaning in meanings:
            if meaning not in known_meanings:
                raise file.error(None, f"emojis.{emoji}", f"'{meaning}' is neither a walk "
                                 "reply nor small talk: " + ", ".join(sorted(known_meanings)))
    concepts = _concepts(synonyms)
    for name, urgent in intents.urgent.items():
        if urgent.entry not in entries:
            raise file.error(None, f"urgent.{name}.entry", f"unknown entry id '{urgent.entry}'")
        if urgent.lead is not None and urgent.lead not in interface:
            raise file.error(None, f"urgent.{name}.lead", f"'{urgent.lead}' is not in "
                             "interface.yaml")
    for name, symptom in intents.symptoms.items():
        where = f"symptoms.{name}"
        if symptom.lead not in interface:
            raise file.error(None, f"{where}.lead", f"'{symptom.lead}' is not in interface.yaml")
        if symptom.way is not None and (symptom.way not in entries
                                        or not entries[symptom.way].is_way):
            raise file.error(None, f"{where}.way", f"'{symptom.way}' is not a way's entry id")
        if symptom.answer is not None and symptom.answer not in entries:
            raise file.error(None, f"{where}.answer", f"unknown entry id '{symptom.answer}'")
    for field in ("failure", "about", "trunk", "none_of", "specific"):
        for index, concept in enumerate(getattr(intents.wont_open, field)):
            if concept not in concepts:
                raise file.error(None, f"wont_open.{field}[{index}]",
                                 f"'{concept}' is not a concept in synonyms.yaml")
    for index, entry_id in enumerate(intents.wont_open.beside):
        if entry_id not in entries or entries[entry_id].is_way:
            raise file.error(None, f"wont_open.beside[{index}]", f"'{entry_id}' is not the id "
                             "of an entry beside the walk (a topic or a FAQ)")
    for way, names in intents.tried_ways.items():
        if way not in entries or not entries[way].is_way:
            raise file.error(None, f"tried_ways.{way}", f"'{way}' is not a way's "
                             "entry id")
        for index, concept in enumerate(names):
            if concept not in concepts:
                raise file.error(None, f"tried_ways.{way}[{index}]",
                                 f"'{concept}' is not a concept in synonyms.yaml")
    return intents


# -- what the classifiers learn from ---------------------------------------------------------

MODELS = ("acts", "entries", "emergency", "talk")  # knowledge/models/<name>.json.gz


def _load_examples(directory: Path, entries: Mapping[str, Entry]) -> Examples:
    """examples/acts/*.yaml (act -> messages, a file per language), examples/emergency.yaml
    (shut_in, not_shut_in), examples/questions*.yaml (entry id or none -> messages, or ->
    language -> messages)."""
    acts: dict[Act, list[str]] = {}
    for path in sorted((directory / "acts").glob("*.yaml")):
        file = _File(path, directory.parent)
        for name, messages in file.read_mapping().items():
            if str(name) not in Act.__members__.values():
                raise file.error(str(name), None, "not an act; valid: "
                                 + ", ".join(a.value for a in Act))
            acts.setdefault(Act(str(name)), []).extend(_messages(file, str(name), messages))
    emergency: dict[str, tuple[str, ...]] = {"shut_in": (), "not_shut_in": ()}
    path = directory / "emergency.yaml"
    if path.exists():
        file = _File(path, directory.parent)
        for name, messages in file.read_mapping().items():
            if name not in emergency:
                raise file.error(str(name), None, "use shut_in and not_shut_in")
            emergency[str(name)] = _messages(file, str(name), messages)
    questions: dict[str, list[str]] = {}
    for path in sorted(directory.glob("questions*.yaml")):
        file = _File(path, directory.parent)
        for name, messages in file.read_mapping().items():
            if str(name) != NO_ENTRY and str(name) not in entries:
                raise file.error(str(name), None, f"unknown entry id; use an entry's id or "
                                 f"'{NO_ENTRY}' for questions no entry answers")
            by_language = messages if isinstance(messages, Mapping) else {"": messages}
            for language, listed in by_language.items():
                questions.setdefault(str(name), []).extend(
                    _messages(file, f"{name}.{language}".rstrip("."), listed))
    return Examples(acts={a: tuple(m) for a, m in acts.items()}, shut_in=emergency["shut_in"],
                    not_shut_in=emergency["not_shut_in"],
                    questions={q: tuple(m) for q, m in questions.items()})


def _messages(file: _File, where: str, messages: Any) -> tuple[str, ...]:
    if not isinstance(messages, list) or not all(isinstance(m, str) and m.strip()
                                                 for m in messages):
        raise file.error(where, None, "needs a list of non-empty messages")
    return tuple(m.strip() for m in messages)


def _load_models(directory: Path) -> dict[str, bytes]:
    models = {}
    for name in MODELS:
        path = directory / f"{name}.json.gz"
        if path.exists():
            models[name] = path.read_bytes()
    return models


# -- pictures --------------------------------------------------------------------------------

LABEL_ATTRIBUTE = "data-label"  # <text data-label="opener" ...>: filled in per language


def label_ids(svg: str) -> list[str]:
    """The label ids a drawing expects, in document order; ValueError if it is no SVG."""
    root = ElementTree.fromstring(svg)
    if not root.tag.endswith("svg"):
        raise ValueError(f"the root element is <{root.tag}>, not <svg>")
    return [element.attrib[LABEL_ATTRIBUTE] for element in root.iter()
            if LABEL_ATTRIBUTE in element.attrib]


def _load_pictures(file: _File, entries: Mapping[str, Entry]) -> dict[str, Picture]:
    """knowledge/pictures.yaml and the drawings it names, checked against each other and the
    entries, so a drawing without a label in some language never reaches a chat."""
    pictures: dict[str, Picture] = {}
    places: dict[tuple[str, int | None], str] = {}
    for name, value in file.read_mapping().items():
        name = str(name)
        if not _ID.fullmatch(name):
            raise file.error(name, None, "a picture name is 1-40 lower-case letters, digits "
                             "and dashes")
        spec = file.validate(PictureSpec, value, name)
        drawing = _File(file.path.parent / "pictures" / spec.drawing, file.path.parent)
        if drawing.path.suffix != ".svg" or drawing.path.parent != file.path.parent / "pictures":
            raise file.error(name, "drawing", "name an .svg file in knowledge/pictures/, "
                             "e.g. 'opener.svg'")
        try:
            svg = drawing.path.read_text(encoding="utf-8")
            wanted = label_ids(svg)
        except OSError as exc:
            raise file.error(name, "drawing", f"{drawing.shown} cannot be read: "
                             f"{exc.strerror}") from exc
        except (ElementTree.ParseError, ValueError) as exc:
            raise drawing.error(None, None, f"not a valid SVG: {exc}") from exc
        for label in wanted:
            if label not in spec.labels:
                raise file.error(name, f"labels.{label}", f"missing: {drawing.shown} has a "
                                 f'label data-label="{label}"; give its text in en and ru')
        for label in spec.labels:
            if label not in wanted:
                raise file.error(name, f"labels.{label}", f"not in {drawing.shown}; drawn "
                                 "labels: " + ", ".join(wanted))
        for index, place in enumerate(spec.shown_with):
            where = f"shown_with[{index}]"
            entry = entries.get(place.entry)
            if entry is None:
                raise file.error(name, f"{where}.entry", f"unknown entry id '{place.entry}'")
            if place.step is not None and place.step >= len(entry.steps):
                raise file.error(name, f"{where}.step", f"'{place.entry}' has "
                                 f"{len(entry.steps)} steps, numbered from 0")
            other = places.setdefault((place.entry, place.step), name)
            if other != name:
                raise file.error(name, where, f"that screen already shows '{other}': one "
                                 "picture per screen")
        drawn = {language: file.path.parent / "pictures" / "drawn" / f"{name}.{language}.png"
                 for language in LANGUAGES}
        pictures[name] = Picture(name, svg, spec.title, spec.labels, spec.shown_with, drawn)
    return pictures
