"""The trimmed Bot API spec (api.json beside this file) as typed objects.

Limits, allowed values and "exactly one of" rules exist upstream only as prose inside
descriptions; they are read out here once, so the validator can stay generic.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any, Literal

SPEC_PATH = Path(__file__).resolve().parent / "api.json"
PRIMITIVES = frozenset({"String", "Integer", "Boolean", "Float"})
ARRAY_PREFIX = "Array of "

_LENGTH = re.compile(r"(\d+)-(\d+) (characters|bytes)")
_ENUM_INTRO = re.compile(r"(?:[Mm]ust be one of|Currently, can be) (.*)")
_QUOTED = re.compile(r'"([^"]+)"')
_CONSTANT = re.compile(r"must be ([a-z_]+)$")
_ONE_OF_OTHER = re.compile(r"(Exactly|At most) one of the fields other than (.+?) must be used")
_ONE_OF_LISTED = re.compile(r"(Exactly|At most) one of the fields ([a-z_]+) or ([a-z_]+) must be")
_STRING_ALLOWED = "String can be used instead of this object"


@dataclass(frozen=True)
class LengthLimit:
    """An "N-M characters" / "N-M bytes" rule from a field description."""

    low: int
    high: int
    unit: Literal["characters", "bytes"]


@dataclass(frozen=True)
class FieldSpec:
    """One parameter of a method or one field of an object."""

    name: str
    types: tuple[str, ...]
    required: bool
    description: str
    length: LengthLimit | None
    allowed: frozenset[str] | None


@dataclass(frozen=True)
class OneOf:
    """A rule like InlineKeyboardButton's "exactly one of the fields other than text"."""

    exactly: bool
    fields: frozenset[str]


@dataclass(frozen=True)
class TypeSpec:
    """An object type, or a union of types when `subtypes` is not empty."""

    name: str
    fields: dict[str, FieldSpec]
    subtypes: tuple[str, ...]
    one_of: OneOf | None
    string_allowed: bool

    @property
    def discriminator(self) -> str | None:
        """The constant value of the `type` field ("chat" for BotCommandScopeChat)."""
        field = self.fields.get("type")
        if field is None or field.allowed is None or len(field.allowed) != 1:
            return None
        return next(iter(field.allowed))


@dataclass(frozen=True)
class MethodSpec:
    """One Bot API method and its parameters."""

    name: str
    fields: dict[str, FieldSpec]
    returns: tuple[str, ...]


@dataclass(frozen=True)
class ApiSpec:
    """The whole trimmed spec; methods are looked up case-insensitively, as Telegram does."""

    version: str
    methods: dict[str, MethodSpec]
    types: dict[str, TypeSpec]

    def method(self, name: str) -> MethodSpec | None:
        """The method called `name` in any letter case, or None."""
        return self._by_lower.get(name.lower())

    @cached_property
    def _by_lower(self) -> dict[str, MethodSpec]:
        return {name.lower(): method for name, method in self.methods.items()}


def _length(description: str) -> LengthLimit | None:
    # Limits "after entities parsing" are about the parsed text, checked by formatting.py.
    match = _LENGTH.search(description)
    if match is None or "after entit" in description:
        return None
    unit: Literal["characters", "bytes"] = "bytes" if match[3] == "bytes" else "characters"
    return LengthLimit(int(match[1]), int(match[2]), unit)


def _allowed(name: str, description: str) -> frozenset[str] | None:
    if name == "type" and (constant := _CONSTANT.search(description)):
        return frozenset({constant[1]})
    intro = _ENUM_INTRO.search(description)
    if intro is None:
        return None
    values = _QUOTED.findall(intro[1])
    return frozenset(values) if values else None


def _field(raw: dict[str, Any]) -> FieldSpec:
    description: str = raw["description"]
    return FieldSpec(
        name=raw["name"],
        types=tuple(raw["types"]),
        required=bool(raw["required"]),
        description=description,
        length=_length(description),
        allowed=_allowed(raw["name"], description),
    )


def _one_of(description: str, fields: dict[str, FieldSpec]) -> OneOf | None:
    if match := _ONE_OF_OTHER.search(description):
        excluded = set(re.findall(r"[a-z_]+", match[2])) - {"and", "or"}
        return OneOf(match[1] == "Exactly", frozenset(set(fields) - excluded))
    if match := _ONE_OF_LISTED.search(description):
        return OneOf(match[1] == "Exactly", frozenset({match[2], match[3]}))
    return None


def _type(raw: dict[str, Any]) -> TypeSpec:
    description = " ".join(raw.get("description", []))
    fields = {entry["name"]: _field(entry) for entry in raw.get("fields", [])}
    return TypeSpec(
        name=raw["name"],
        fields=fields,
        subtypes=tuple(raw.get("subtypes", [])),
        one_of=_one_of(description, fields),
        string_allowed=_STRING_ALLOWED in description,
    )


def parse_spec(raw: dict[str, Any]) -> ApiSpec:
    """Build the typed spec from api.json's JSON."""
    methods = {
        name: MethodSpec(
            name=name,
            fields={entry["name"]: _field(entry) for entry in body.get("fields", [])},
            returns=tuple(body["returns"]),
        )
        for name, body in raw["methods"].items()
    }
    types = {name: _type(body) for name, body in raw["types"].items()}
    return ApiSpec(version=raw["version"], methods=methods, types=types)


@cache
def load_spec(path: Path = SPEC_PATH) -> ApiSpec:
    """The trimmed spec shipped with the fake (never the shared upstream copy)."""
    return parse_spec(json.loads(path.read_text(encoding="utf-8")))
