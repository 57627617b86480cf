"""Parses one knowledge entry (knowledge/entries/<id>.yaml) into an Entry."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from bot.knowledge.fields import (
    Context,
    generation,
    generation_set,
    localised_text,
    optional_text,
    required_text,
    strings,
    yaml_list,
)
from bot.knowledge.model import ALL_GENERATIONS, LANGUAGES, Entry, Kind, Step, TableRow

_ENTRY_FIELDS = {
    "id", "kind", "title", "answer", "generations", "steps", "tips", "warnings", "table",
    "generation_notes", "prevention", "phrasings", "related",
}
_STEP_FIELDS = {"do", "tip", "warning", "generations"}
_ROW_FIELDS = {"part", "cause", "remedy"}
_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")


def parse_entry(data: Mapping[str, Any], ctx: Context) -> Entry:
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
        parse_step(raw, ctx, f"steps[{i}]") for i, raw in enumerate(yaml_list(data, "steps", ctx))
    )
    if kind is Kind.METHOD and not steps:
        raise ctx.error("steps", "a method needs at least one step")
    prevention = optional_text(data, "prevention", ctx)
    if kind is Kind.METHOD and prevention is None:
        raise ctx.error("prevention", "a method needs a prevention tip to show when it worked")

    notes_raw = data.get("generation_notes") or {}
    if not isinstance(notes_raw, Mapping):
        raise ctx.error("generation_notes", "must map a generation (J10, J11, J12) to a text")
    notes = {
        generation(key, ctx, f"generation_notes.{key}"): localised_text(value, ctx,
                                                                f"generation_notes.{key}")
        for key, value in notes_raw.items()
    }
    return Entry(
        id=entry_id,
        kind=kind,
        title=required_text(data, "title", ctx),
        answer=required_text(data, "answer", ctx),
        generations=generation_set(data.get("generations"), ctx, "generations"),
        steps=steps,
        tips=tuple(localised_text(t, ctx, f"tips[{i}]")
                   for i, t in enumerate(yaml_list(data, "tips", ctx))),
        warnings=tuple(localised_text(w, ctx, f"warnings[{i}]")
                       for i, w in enumerate(yaml_list(data, "warnings", ctx))),
        table=tuple(parse_row(r, ctx, f"table[{i}]")
                    for i, r in enumerate(yaml_list(data, "table", ctx))),
        generation_notes=notes,
        prevention=prevention,
        phrasings=_phrasings(data.get("phrasings"), ctx),
        related=tuple(strings(yaml_list(data, "related", ctx), ctx, "related")),
    )


def parse_step(raw: Any, ctx: Context, where: str) -> Step:
    if not isinstance(raw, Mapping):
        raise ctx.error(where, "a step must be a mapping with 'do' (and optional tip, warning)")
    unknown = set(raw) - _STEP_FIELDS
    if unknown:
        raise ctx.error(f"{where}.{sorted(unknown)[0]}",
                        "unknown field; valid: " + ", ".join(sorted(_STEP_FIELDS)))
    generations = (
        generation_set(raw["generations"], ctx, f"{where}.generations")
        if "generations" in raw else ALL_GENERATIONS
    )
    return Step(
        do=required_text(raw, "do", ctx, where),
        tip=optional_text(raw, "tip", ctx, where),
        warning=optional_text(raw, "warning", ctx, where),
        generations=generations,
    )


def parse_row(raw: Any, ctx: Context, where: str) -> TableRow:
    if not isinstance(raw, Mapping) or set(raw) != _ROW_FIELDS:
        raise ctx.error(where, "a table row needs exactly: part, cause, remedy")
    return TableRow(
        part=localised_text(raw["part"], ctx, f"{where}.part"),
        cause=localised_text(raw["cause"], ctx, f"{where}.cause"),
        remedy=localised_text(raw["remedy"], ctx, f"{where}.remedy"),
    )


def _phrasings(value: Any, ctx: Context) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, Mapping):
        raise ctx.error("phrasings", "must map each language to a list of questions")
    result: dict[str, tuple[str, ...]] = {}
    for language in LANGUAGES:
        items = value.get(language)
        if not isinstance(items, list) or not items:
            raise ctx.error(f"phrasings.{language}", "needs at least one phrasing")
        result[language] = tuple(strings(items, ctx, f"phrasings.{language}"))
    unknown = set(value) - set(LANGUAGES)
    if unknown:
        raise ctx.error(f"phrasings.{sorted(unknown)[0]}", "unknown language")
    return result


