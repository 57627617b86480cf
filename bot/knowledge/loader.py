"""Turns the YAML under knowledge/ into validated, typed objects, once, at start-up.

Validation is strict on purpose: a typo in a field name or a missing translation must stop
start-up with a message that points at the file, the entry and the field, rather than show
an owner in a car park an empty button.
"""

from __future__ import annotations

import hashlib
import re
import string
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from bot.knowledge.errors import KnowledgeError
from bot.knowledge.model import (
    ALL_GENERATIONS,
    LANGUAGES,
    ConceptRoles,
    Entry,
    Generation,
    Kind,
    Knowledge,
    Step,
    TableRow,
    Text,
)

DEFAULT_DIRECTORY = Path(__file__).resolve().parents[2] / "knowledge"

_ENTRY_FIELDS = {
    "id", "kind", "title", "answer", "generations", "steps", "tips", "warnings", "table",
    "generation_notes", "prevention", "phrasings", "related",
}
_STEP_FIELDS = {"do", "tip", "warning", "generations"}
_ROW_FIELDS = {"part", "cause", "remedy"}
_GUIDED_FIELDS = {"order", "offered_by"}
_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")


class _Context:
    """Where we are in the files, so every error can say it."""

    def __init__(self, file: Path, root: Path, entry: str | None = None) -> None:
        self.file = file
        self.root = root
        self.entry = entry

    def error(self, field: str | None, problem: str) -> KnowledgeError:
        try:
            shown = str(self.file.relative_to(self.root.parent))
        except ValueError:
            shown = str(self.file)
        return KnowledgeError(shown, self.entry, field, problem)


def load_knowledge(
    directory: Path = DEFAULT_DIRECTORY, *, interface_keys: Iterable[str] = ()
) -> Knowledge:
    """Load and validate everything; raise KnowledgeError on the first problem found."""
    directory = directory.resolve()
    entry_files = sorted((directory / "entries").rglob("*.yaml"))  # subfolders group entries
    if not entry_files:
        raise KnowledgeError(str(directory / "entries"), None, None, "no entry files (*.yaml)")

    entries: dict[str, Entry] = {}
    origin: dict[str, Path] = {}
    for path in entry_files:
        ctx = _Context(path, directory)
        entry = _parse_entry(_read_mapping(path, ctx), ctx)
        if entry.id in entries:
            first = origin[entry.id].relative_to(directory / "entries")
            raise ctx.error("id", f"duplicate id '{entry.id}', already used in {first}")
        entries[entry.id] = entry
        origin[entry.id] = path

    for entry in entries.values():
        ctx = _Context(origin[entry.id], directory, entry.id)
        for index, related in enumerate(entry.related):
            if related not in entries:
                raise ctx.error(f"related[{index}]", f"unknown id '{related}'; known: "
                                + ", ".join(sorted(entries)))
            if related == entry.id:
                raise ctx.error(f"related[{index}]", "an entry cannot be related to itself")

    guided, offered_by = _parse_guided(directory / "guided.yaml", directory, entries)
    interface = _parse_interface(directory / "interface.yaml", directory, interface_keys)
    synonyms = _parse_word_lists(directory / "synonyms.yaml", directory, nested=True)
    off_topic = _parse_word_lists(directory / "off_topic.yaml", directory, nested=False)
    stopwords = _parse_word_lists(directory / "stopwords.yaml", directory, nested=False)
    roles = _parse_concept_roles(directory / "concept_roles.yaml", directory, synonyms)
    return Knowledge(
        entries=entries,
        guided_order=guided,
        guided_offered_by=offered_by,
        interface=interface,
        synonyms=synonyms,
        off_topic=off_topic,
        stopwords=stopwords,
        concept_roles=roles,
        version=_structure_digest(entries, guided),
    )


def _structure_digest(entries: Mapping[str, Entry], guided: tuple[str, ...]) -> str:
    """Changes when buttons could point somewhere that moved (ids, step counts, order),
    not when a text is reworded, so a typo fix does not make every open menu stale."""
    shape = "|".join(f"{e.id}:{e.kind}:{len(e.steps)}" for e in entries.values())
    shape += "|" + ",".join(guided)
    return hashlib.sha256(shape.encode()).hexdigest()[:4]


def _read_mapping(path: Path, ctx: _Context) -> Mapping[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ctx.error(None, f"not valid YAML: {exc}") from exc
    except OSError as exc:
        raise ctx.error(None, f"cannot be read: {exc.strerror}") from exc
    if not isinstance(data, Mapping):
        raise ctx.error(None, "must be a mapping of field: value at the top level")
    return data


def _parse_entry(data: Mapping[str, Any], ctx: _Context) -> Entry:
    entry_id = data.get("id")
    if not isinstance(entry_id, str) or not entry_id.strip():
        raise ctx.error("id", "missing; give the entry an id such as 'lid-button'")
    ctx.entry = entry_id
    if not _ID.fullmatch(entry_id):
        raise ctx.error("id", "use 1-40 lower-case letters, digits and dashes, e.g. 'lid-button'")
    if entry_id != ctx.file.stem:
        raise ctx.error("id", f"must match the file name: rename the file to {entry_id}.yaml "
                        f"or the id to '{ctx.file.stem}'")
    unknown = set(data) - _ENTRY_FIELDS
    if unknown:
        raise ctx.error(sorted(unknown)[0], "unknown field; valid fields: "
                        + ", ".join(sorted(_ENTRY_FIELDS)))
    kind_value = data.get("kind")
    try:
        kind = Kind(str(kind_value))
    except ValueError:
        raise ctx.error("kind", f"'{kind_value}' is not one of: "
                        + ", ".join(k.value for k in Kind)) from None

    steps = tuple(
        _parse_step(raw, ctx, f"steps[{i}]") for i, raw in enumerate(_list(data, "steps", ctx))
    )
    if kind is Kind.METHOD and not steps:
        raise ctx.error("steps", "a method needs at least one step")
    prevention = _optional_text(data, "prevention", ctx)
    if kind is Kind.METHOD and prevention is None:
        raise ctx.error("prevention", "a method needs a prevention tip to show when it worked")

    notes_raw = data.get("generation_notes") or {}
    if not isinstance(notes_raw, Mapping):
        raise ctx.error("generation_notes", "must map a generation (J10, J11, J12) to a text")
    notes = {
        _generation(key, ctx, f"generation_notes.{key}"): _text(value, ctx,
                                                                f"generation_notes.{key}")
        for key, value in notes_raw.items()
    }
    return Entry(
        id=entry_id,
        kind=kind,
        title=_required_text(data, "title", ctx),
        answer=_required_text(data, "answer", ctx),
        generations=_generations(data.get("generations"), ctx, "generations"),
        steps=steps,
        tips=tuple(_text(t, ctx, f"tips[{i}]") for i, t in enumerate(_list(data, "tips", ctx))),
        warnings=tuple(_text(w, ctx, f"warnings[{i}]")
                       for i, w in enumerate(_list(data, "warnings", ctx))),
        table=tuple(_parse_row(r, ctx, f"table[{i}]")
                    for i, r in enumerate(_list(data, "table", ctx))),
        generation_notes=notes,
        prevention=prevention,
        phrasings=_phrasings(data.get("phrasings"), ctx),
        related=tuple(_strings(_list(data, "related", ctx), ctx, "related")),
    )


def _parse_step(raw: Any, ctx: _Context, where: str) -> Step:
    if not isinstance(raw, Mapping):
        raise ctx.error(where, "a step must be a mapping with 'do' (and optional tip, warning)")
    unknown = set(raw) - _STEP_FIELDS
    if unknown:
        raise ctx.error(f"{where}.{sorted(unknown)[0]}",
                        "unknown field; valid: " + ", ".join(sorted(_STEP_FIELDS)))
    generations = (
        _generations(raw["generations"], ctx, f"{where}.generations")
        if "generations" in raw else ALL_GENERATIONS
    )
    return Step(
        do=_required_text(raw, "do", ctx, where),
        tip=_optional_text(raw, "tip", ctx, where),
        warning=_optional_text(raw, "warning", ctx, where),
        generations=generations,
    )


def _parse_row(raw: Any, ctx: _Context, where: str) -> TableRow:
    if not isinstance(raw, Mapping) or set(raw) != _ROW_FIELDS:
        raise ctx.error(where, "a table row needs exactly: part, cause, remedy")
    return TableRow(
        part=_text(raw["part"], ctx, f"{where}.part"),
        cause=_text(raw["cause"], ctx, f"{where}.cause"),
        remedy=_text(raw["remedy"], ctx, f"{where}.remedy"),
    )


def _list(data: Mapping[str, Any], key: str, ctx: _Context) -> list[Any]:
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise ctx.error(key, "must be a list")
    return value


def _strings(values: list[Any], ctx: _Context, where: str) -> list[str]:
    for index, value in enumerate(values):
        if not isinstance(value, str):
            raise ctx.error(f"{where}[{index}]", f"YAML read {value!r} as a "
                            f"{type(value).__name__}, not a text: put it in quotes")
        if not value.strip():
            raise ctx.error(f"{where}[{index}]", "must be a non-empty text")
    return values


def _generation(value: Any, ctx: _Context, where: str) -> Generation:
    try:
        return Generation(value)
    except ValueError:
        raise ctx.error(where, f"unknown generation '{value}'; valid: "
                        + ", ".join(g.value for g in Generation)) from None


def _generations(value: Any, ctx: _Context, where: str) -> frozenset[Generation]:
    if not isinstance(value, list) or not value:
        raise ctx.error(where, "must be a non-empty list of generations, e.g. [J10, J11, J12]")
    return frozenset(_generation(v, ctx, f"{where}[{i}]") for i, v in enumerate(value))


def _required_text(data: Mapping[str, Any], key: str, ctx: _Context, where: str = "") -> Text:
    field = f"{where}.{key}" if where else key
    if data.get(key) is None:
        raise ctx.error(field, "missing; give it a text in every language ("
                        + ", ".join(LANGUAGES) + ")")
    return _text(data[key], ctx, field)


def _optional_text(
    data: Mapping[str, Any], key: str, ctx: _Context, where: str = ""
) -> Text | None:
    if data.get(key) is None:
        return None
    return _text(data[key], ctx, f"{where}.{key}" if where else key)


def _text(value: Any, ctx: _Context, field: str) -> Text:
    """A text must exist, non-empty, in every language, with the same {placeholders}."""
    if not isinstance(value, Mapping):
        raise ctx.error(field, "must map each language to a text, e.g. {en: '...', ru: '...'}")
    unknown = set(value) - set(LANGUAGES)
    if unknown:
        raise ctx.error(field, f"unknown language '{sorted(unknown)[0]}'; valid: "
                        + ", ".join(LANGUAGES))
    for language in LANGUAGES:
        text = value.get(language)
        if text is not None and not isinstance(text, str):
            raise ctx.error(f"{field}.{language}", f"YAML read {text!r} as a "
                            f"{type(text).__name__}, not a text: put it in quotes")
        if not isinstance(text, str) or not text.strip():
            raise ctx.error(f"{field}.{language}", "missing or empty text")
    placeholders: dict[str, set[str]] = {}
    for language in LANGUAGES:
        try:
            placeholders[language] = _placeholders(value[language])
        except ValueError:
            raise ctx.error(f"{field}.{language}", "unbalanced { or }: write {name} for a "
                            "value the bot fills in, {{ or }} for a literal brace") from None
    first = placeholders[LANGUAGES[0]]
    for language in LANGUAGES[1:]:
        if placeholders[language] != first:
            raise ctx.error(f"{field}.{language}", "uses placeholders "
                            f"{sorted(placeholders[language])}, but {LANGUAGES[0]} uses "
                            f"{sorted(first)}")
    return Text({lang: value[lang].strip() for lang in LANGUAGES})


def _placeholders(text: str) -> set[str]:
    """Raises ValueError on unbalanced braces, as str.format would at run time."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _phrasings(value: Any, ctx: _Context) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, Mapping):
        raise ctx.error("phrasings", "must map each language to a list of questions")
    result: dict[str, tuple[str, ...]] = {}
    for language in LANGUAGES:
        items = value.get(language)
        if not isinstance(items, list) or not items:
            raise ctx.error(f"phrasings.{language}", "needs at least one phrasing")
        result[language] = tuple(_strings(items, ctx, f"phrasings.{language}"))
    unknown = set(value) - set(LANGUAGES)
    if unknown:
        raise ctx.error(f"phrasings.{sorted(unknown)[0]}", "unknown language")
    return result


def _parse_guided(
    path: Path, root: Path, entries: Mapping[str, Entry]
) -> tuple[tuple[str, ...], frozenset[str]]:
    ctx = _Context(path, root)
    data = _read_mapping(path, ctx)
    unknown = set(data) - _GUIDED_FIELDS
    if unknown:
        raise ctx.error(sorted(unknown)[0], "unknown field; valid: "
                        + ", ".join(sorted(_GUIDED_FIELDS)))
    order = _strings(_list(data, "order", ctx), ctx, "order")
    if not order:
        raise ctx.error("order", "list the methods to try, most likely first")
    seen: set[str] = set()
    for index, entry_id in enumerate(order):
        where = f"order[{index}]"
        if entry_id not in entries:
            raise ctx.error(where, f"unknown id '{entry_id}'")
        if not entries[entry_id].is_method:
            raise ctx.error(where, f"'{entry_id}' is not a method (kind: method)")
        if entry_id in seen:
            raise ctx.error(where, f"'{entry_id}' is listed twice")
        seen.add(entry_id)
    offered_by = _strings(_list(data, "offered_by", ctx), ctx, "offered_by")
    for index, entry_id in enumerate(offered_by):
        if entry_id not in entries:
            raise ctx.error(f"offered_by[{index}]", f"unknown id '{entry_id}'")
    return tuple(order), frozenset(offered_by)


def _parse_interface(path: Path, root: Path, required: Iterable[str]) -> dict[str, Text]:
    ctx = _Context(path, root)
    data = _read_mapping(path, ctx)
    texts: dict[str, Text] = {}
    for key, value in data.items():
        ctx.entry = str(key)
        texts[str(key)] = _text(value, ctx, "text")
    ctx.entry = None
    for key in required:
        if key not in texts:
            raise _Context(path, root, key).error(None, "missing: the bot shows this text")
    return texts


def _parse_word_lists(path: Path, root: Path, *, nested: bool) -> dict[str, Any]:
    """synonyms.yaml: language -> concept -> [variants]; the others: language -> [words]."""
    ctx = _Context(path, root)
    data = _read_mapping(path, ctx)
    result: dict[str, Any] = {}
    for language in LANGUAGES:
        block = data.get(language)
        if nested:
            if not isinstance(block, Mapping) or not block:
                raise ctx.error(language, "must map each concept to a list of words")
            result[language] = {}
            for concept, words in block.items():
                ctx.entry = str(concept)
                if not isinstance(words, list) or not words:
                    raise ctx.error(language, "needs a non-empty list of words")
                result[language][str(concept)] = tuple(_strings(words, ctx, language))
            ctx.entry = None
        else:
            if not isinstance(block, list) or not block:
                raise ctx.error(language, "must be a non-empty list of words")
            result[language] = tuple(_strings(block, ctx, language))
    return result


def _parse_concept_roles(path: Path, root: Path, synonyms: Mapping[str, Any]) -> ConceptRoles:
    ctx = _Context(path, root)
    data = _read_mapping(path, ctx)
    concepts = {concept for by_concept in synonyms.values() for concept in by_concept}

    def names(field: str) -> frozenset[str]:
        values = _strings(_list(data, field, ctx), ctx, field)
        if not values:
            raise ctx.error(field, "list at least one concept of synonyms.yaml")
        for index, name in enumerate(values):
            if name not in concepts:
                raise ctx.error(f"{field}[{index}]", f"'{name}' is not a concept in "
                                "synonyms.yaml")
        return frozenset(values)

    unknown = set(data) - {"trunk_parts", "subjects", "generations"}
    if unknown:
        raise ctx.error(sorted(unknown)[0], "unknown field; valid: generations, subjects, "
                        "trunk_parts")
    raw = data.get("generations")
    if not isinstance(raw, Mapping) or not raw:
        raise ctx.error("generations", "map each generation to its concept, e.g. J10: genj10")
    generations: dict[str, Generation] = {}
    for key, concept in raw.items():
        if concept not in concepts:
            raise ctx.error(f"generations.{key}", f"'{concept}' is not a concept in "
                            "synonyms.yaml")
        generations[str(concept)] = _generation(key, ctx, f"generations.{key}")
    trunk_parts = names("trunk_parts")
    return ConceptRoles(
        trunk_parts=trunk_parts,
        subjects=trunk_parts | names("subjects") | frozenset(generations),
        generations=generations,
    )
