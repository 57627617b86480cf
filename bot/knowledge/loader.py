"""Turns the YAML under knowledge/ into validated, typed objects, once, at start-up.

Validation is strict on purpose: a typo in a field name or a missing translation must stop
start-up with a message that points at the file, the entry and the field, rather than show
an owner in a car park an empty button.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from bot.knowledge.entry_parser import parse_entry
from bot.knowledge.errors import KnowledgeError
from bot.knowledge.fields import (
    Context,
    generation,
    localised_text,
    read_mapping,
    strings,
    yaml_list,
)
from bot.knowledge.model import (
    LANGUAGES,
    QUICK_MENUS,
    ConceptRoles,
    Entry,
    Generation,
    Knowledge,
    QuickReply,
    Text,
)

DEFAULT_DIRECTORY = Path(__file__).resolve().parents[2] / "knowledge"

_GUIDED_FIELDS = {"order", "offered_by"}
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
        ctx = Context(path, directory)
        entry = parse_entry(read_mapping(path, ctx), ctx)
        if entry.id in entries:
            first = origin[entry.id].relative_to(directory / "entries")
            raise ctx.error("id", f"duplicate id '{entry.id}', already used in {first}")
        entries[entry.id] = entry
        origin[entry.id] = path

    for entry in entries.values():
        ctx = Context(origin[entry.id], directory, entry.id)
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
    quick = _parse_quick_replies(directory / "quick_replies.yaml", directory, entries, interface)
    return Knowledge(
        entries=entries,
        guided_order=guided,
        guided_offered_by=offered_by,
        interface=interface,
        synonyms=synonyms,
        off_topic=off_topic,
        stopwords=stopwords,
        concept_roles=roles,
        quick_replies=quick,
        version=_structure_digest(entries, guided),
    )


def _structure_digest(entries: Mapping[str, Entry], guided: tuple[str, ...]) -> str:
    """Changes when buttons could point somewhere that moved (ids, step counts, order),
    not when a text is reworded, so a typo fix does not make every open menu stale."""
    shape = "|".join(f"{e.id}:{e.kind}:{len(e.steps)}" for e in entries.values())
    shape += "|" + ",".join(guided)
    return hashlib.sha256(shape.encode()).hexdigest()[:4]


def _parse_guided(
    path: Path, root: Path, entries: Mapping[str, Entry]
) -> tuple[tuple[str, ...], frozenset[str]]:
    ctx = Context(path, root)
    data = read_mapping(path, ctx)
    unknown = set(data) - _GUIDED_FIELDS
    if unknown:
        raise ctx.error(sorted(unknown)[0], "unknown field; valid: "
                        + ", ".join(sorted(_GUIDED_FIELDS)))
    order = strings(yaml_list(data, "order", ctx), ctx, "order")
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
    offered_by = strings(yaml_list(data, "offered_by", ctx), ctx, "offered_by")
    for index, entry_id in enumerate(offered_by):
        if entry_id not in entries:
            raise ctx.error(f"offered_by[{index}]", f"unknown id '{entry_id}'")
    return tuple(order), frozenset(offered_by)


def _parse_interface(path: Path, root: Path, required: Iterable[str]) -> dict[str, Text]:
    ctx = Context(path, root)
    data = read_mapping(path, ctx)
    texts: dict[str, Text] = {}
    for key, value in data.items():
        ctx.entry = str(key)
        texts[str(key)] = localised_text(value, ctx, "text")
    ctx.entry = None
    for key in required:
        if key not in texts:
            raise Context(path, root, key).error(None, "missing: the bot shows this text")
    return texts


def _parse_word_lists(path: Path, root: Path, *, nested: bool) -> dict[str, Any]:
    """synonyms.yaml: language -> concept -> [variants]; the others: language -> [words]."""
    ctx = Context(path, root)
    data = read_mapping(path, ctx)
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
                result[language][str(concept)] = tuple(strings(words, ctx, language))
            ctx.entry = None
        else:
            if not isinstance(block, list) or not block:
                raise ctx.error(language, "must be a non-empty list of words")
            result[language] = tuple(strings(block, ctx, language))
    return result


def _parse_concept_roles(path: Path, root: Path, synonyms: Mapping[str, Any]) -> ConceptRoles:
    ctx = Context(path, root)
    data = read_mapping(path, ctx)
    concepts = {concept for by_concept in synonyms.values() for concept in by_concept}

    def names(field: str) -> frozenset[str]:
        values = strings(yaml_list(data, field, ctx), ctx, field)
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
        generations[str(concept)] = generation(key, ctx, f"generations.{key}")
    trunk_parts = names("trunk_parts")
    return ConceptRoles(
        trunk_parts=trunk_parts,
        subjects=trunk_parts | names("subjects") | frozenset(generations),
        generations=generations,
    )


def _parse_quick_replies(path: Path, root: Path, entries: Mapping[str, Entry],
                         interface: Mapping[str, Text]) -> tuple[QuickReply, ...]:
    ctx = Context(path, root)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ctx.error(None, f"cannot be read as YAML: {error}") from error
    if not isinstance(raw, list) or not raw:
        raise ctx.error(None, "must be a list of buttons: {label: ..., walk: ... | menu: ...}")
    buttons = []
    for index, item in enumerate(raw):
        where = f"[{index}]"
        if not isinstance(item, Mapping) or set(item) not in ({"label", "walk"},
                                                               {"label", "menu"}):
            raise ctx.error(where, "a button has a label and either walk or menu")
        if item["label"] not in interface:
            raise ctx.error(f"{where}.label", f"'{item['label']}' is not in interface.yaml")
        walk, menu = item.get("walk"), item.get("menu")
        if walk is not None and (walk not in entries or not entries[walk].is_method):
            raise ctx.error(f"{where}.walk", f"'{walk}' is not a method's entry id")
        if menu is not None and menu not in QUICK_MENUS:
            raise ctx.error(f"{where}.menu", f"'{menu}' is not one of: " + ", ".join(QUICK_MENUS))
        buttons.append(QuickReply(str(item["label"]), walk, menu))
    return tuple(buttons)
