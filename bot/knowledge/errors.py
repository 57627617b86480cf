"""Errors that tell whoever edits the YAML exactly where to look.

pydantic says where a value is wrong as a path of keys and indexes; `from_validation` turns the
first complaint into the field path an editor sees in the file ("steps[1].do.ru") and a problem
that says what would be valid.
"""

from __future__ import annotations

import typing
from collections.abc import Mapping
from enum import Enum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # only a knowledge file that is wrong needs pydantic here
    from pydantic import BaseModel, ValidationError


class KnowledgeError(Exception):
    """A knowledge file is wrong: says which file, entry and field, and what would be valid."""

    def __init__(self, file: str, entry: str | None, field: str | None, problem: str) -> None:
        self.file = file
        self.entry = entry
        self.field = field
        self.problem = problem
        where = [file]
        if entry is not None:
            where.append(f"entry '{entry}'")
        if field is not None:
            where.append(f"field '{field}'")
        super().__init__(f"{', '.join(where)}: {problem}")


def from_validation(error: ValidationError, schema: type[BaseModel], file: str,
                    entry: str | None, prefix: str = "") -> KnowledgeError:
    """The first thing pydantic found, as a KnowledgeError about `file` and `entry`."""
    detail = error.errors(include_url=False)[0]
    loc = [part for part in detail["loc"] if part != "[key]"]
    kind, value = detail["type"], detail.get("input")
    owner = _type_at(schema, loc[:-1])
    if kind == "extra_forbidden" and _is_text(owner):
        loc, problem = loc[:-1], f"unknown language '{loc[-1]}'; valid: en, ru"
    elif kind == "extra_forbidden":
        valid = ", ".join(sorted(owner.model_fields)) if _is_model(owner) else ""
        problem = f"unknown field; valid fields: {valid}"
    elif kind == "missing":
        wanted = _type_at(schema, loc)
        if _is_text(wanted):
            problem = "missing; give it a text in every language (en, ru)"
        elif typing.get_origin(wanted) is tuple:
            problem = "missing; give a non-empty list" + _at_least_one(loc)
        else:
            problem = "missing"
    elif kind == "string_type" and not isinstance(value, Mapping | list):
        problem = (f"YAML read {value!r} as a {type(value).__name__}, not a text: "
                   "put it in quotes")
    elif kind == "string_too_short":
        problem = "missing or empty text"
    elif kind == "too_short":
        problem = "must be a non-empty list" + _at_least_one(loc)
    elif kind == "enum":
        expected = _enum_values(_type_at(schema, loc))
        problem = f"'{value}' is not one of: {expected}"
        if expected.startswith("J1"):
            problem = f"unknown generation '{value}'; valid: {expected}"
    elif kind in ("model_type", "dict_type") and _is_text(_type_at(schema, loc)):
        problem = "must map each language to a text, e.g. {en: '...', ru: '...'}"
    elif kind in ("model_type", "dict_type"):
        problem = "must be a mapping of field: value"
    elif kind in ("tuple_type", "list_type", "frozen_set_type", "set_type"):
        problem = "must be a list"
    elif kind == "value_error" and ": " in detail["msg"]:
        # our validators say "<language>: <problem>" about one language of a text
        language, _, problem = str(detail["msg"]).removeprefix("Value error, ").partition(": ")
        loc = [*loc, language]
    else:
        problem = str(detail["msg"]).removeprefix("Value error, ")
    field = _path(loc)
    if prefix:
        field = f"{prefix}.{field}" if field else prefix
    return KnowledgeError(file, entry, field or None, problem)


def _path(loc: list[int | str]) -> str:
    text = ""
    for part in loc:
        is_index = isinstance(part, int) and not isinstance(part, bool)
        text += f"[{part}]" if is_index else (f".{part}" if text else str(part))
    return text


def _at_least_one(loc: list[int | str]) -> str:
    if "steps" in loc:
        return ": a way needs at least one step"
    if "phrasings" in loc:
        return ": give at least one phrasing"
    return ""


def _type_at(schema: Any, loc: list[int | str]) -> Any:
    """The declared type at a path of a model, or None where it cannot be followed."""
    current: Any = schema
    for part in loc:
        current = _unwrap(current)
        if _is_model(current) and isinstance(part, str) and part in current.model_fields:
            current = current.model_fields[part].annotation
            continue
        args = [a for a in typing.get_args(current) if a is not Ellipsis]
        if typing.get_origin(current) in (tuple, list, frozenset, set) and args:
            current = args[0]
        elif args and isinstance(part, str):  # a mapping: the value's type
            current = args[-1]
        else:
            return None
    return _unwrap(current)


def _unwrap(annotation: Any) -> Any:
    """Optional[X] and Annotated[X, ...] -> X."""
    while True:
        if typing.get_origin(annotation) is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
            continue
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1 and type(None) in typing.get_args(annotation):
            annotation = args[0]
            continue
        return annotation


def _is_model(value: Any) -> bool:
    return isinstance(value, type) and hasattr(value, "model_fields")  # a pydantic model


def _is_text(value: Any) -> bool:
    return _is_model(value) and value.__name__ == "Text"


def _enum_values(value: Any) -> str:
    if isinstance(value, type) and issubclass(value, Enum):
        return ", ".join(str(member.value) for member in value)
    return ""
