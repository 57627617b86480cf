"""Reading one field of a knowledge file, with errors that say file, entry and field.

Shared by the parsers of entries (entry_parser.py) and of the other files (loader.py).
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from bot.knowledge.errors import KnowledgeError
from bot.knowledge.model import LANGUAGES, Generation, Text


class Context:
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


def read_mapping(path: Path, ctx: Context) -> Mapping[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ctx.error(None, f"not valid YAML: {exc}") from exc
    except OSError as exc:
        raise ctx.error(None, f"cannot be read: {exc.strerror}") from exc
    if not isinstance(data, Mapping):
        raise ctx.error(None, "must be a mapping of field: value at the top level")
    return data


def yaml_list(data: Mapping[str, Any], key: str, ctx: Context) -> list[Any]:
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise ctx.error(key, "must be a list")
    return value


def strings(values: list[Any], ctx: Context, where: str) -> list[str]:
    for index, value in enumerate(values):
        if not isinstance(value, str):
            raise ctx.error(f"{where}[{index}]", f"YAML read {value!r} as a "
                            f"{type(value).__name__}, not a text: put it in quotes")
        if not value.strip():
            raise ctx.error(f"{where}[{index}]", "must be a non-empty text")
    return values


def generation(value: Any, ctx: Context, where: str) -> Generation:
    try:
        return Generation(value)
    except ValueError:
        raise ctx.error(where, f"unknown generation '{value}'; valid: "
                        + ", ".join(g.value for g in Generation)) from None


def generation_set(value: Any, ctx: Context, where: str) -> frozenset[Generation]:
    if not isinstance(value, list) or not value:
        raise ctx.error(where, "must be a non-empty list of generations, e.g. [J10, J11, J12]")
    return frozenset(generation(v, ctx, f"{where}[{i}]") for i, v in enumerate(value))


def required_text(data: Mapping[str, Any], key: str, ctx: Context, where: str = "") -> Text:
    field = f"{where}.{key}" if where else key
    if data.get(key) is None:
        raise ctx.error(field, "missing; give it a text in every language ("
                        + ", ".join(LANGUAGES) + ")")
    return localised_text(data[key], ctx, field)


def optional_text(
    data: Mapping[str, Any], key: str, ctx: Context, where: str = ""
) -> Text | None:
    if data.get(key) is None:
        return None
    return localised_text(data[key], ctx, f"{where}.{key}" if where else key)


def localised_text(value: Any, ctx: Context, field: str) -> Text:
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
    names: dict[str, set[str]] = {}
    for language in LANGUAGES:
        try:
            names[language] = placeholders(value[language])
        except ValueError:
            raise ctx.error(f"{field}.{language}", "unbalanced { or }: write {name} for a "
                            "value the bot fills in, {{ or }} for a literal brace") from None
    first = names[LANGUAGES[0]]
    for language in LANGUAGES[1:]:
        if names[language] != first:
            raise ctx.error(f"{field}.{language}", "uses placeholders "
                            f"{sorted(names[language])}, but {LANGUAGES[0]} uses "
                            f"{sorted(first)}")
    return Text({lang: value[lang].strip() for lang in LANGUAGES})


def placeholders(text: str) -> set[str]:
    """Raises ValueError on unbalanced braces, as str.format would at run time."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


