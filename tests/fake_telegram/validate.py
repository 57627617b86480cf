"""Checks one request's parameters against the trimmed spec and decodes them.

Form fields arrive as text (python-telegram-bot JSON-encodes nested objects into them), JSON
bodies arrive typed; both end up as plain Python values. Everything the spec says is
checked: unknown and missing parameters, types (recursively, unions included), the
"N-M characters/bytes" limits, enumerations and "exactly one of" rules. Real Telegram
silently ignores unknown parameters; the fake rejects them so typos cannot hide.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .errors import bad_request
from .spec import ARRAY_PREFIX, ApiSpec, FieldSpec, MethodSpec, TypeSpec
from .textutil import utf16_len

_INTEGER = re.compile(r"-?\d+")
_TRUE = frozenset({"true", "1"})
_FALSE = frozenset({"false", "0"})

# Telegram's own wording for limits a bot is likely to hit; others get a generic message.
_LENGTH_ERRORS: dict[tuple[str, str], str] = {
    ("InlineKeyboardButton", "callback_data"): "BUTTON_DATA_INVALID",
    ("BotCommand", "command"): "BOT_COMMAND_INVALID",
    ("BotCommand", "description"): "BOT_COMMAND_DESCRIPTION_INVALID",
}


@dataclass(frozen=True)
class FilePart:
    """An uploaded file from a multipart request (InputFile)."""

    filename: str | None
    content_type: str | None
    data: bytes


def _describe(types: tuple[str, ...]) -> str:
    return " or ".join(types)


class Validator:
    """Validates and decodes parameters of the methods in one ApiSpec."""

    def __init__(self, spec: ApiSpec) -> None:
        self._spec = spec

    def params(self, method: MethodSpec, raw: Mapping[str, object]) -> dict[str, Any]:
        """Decoded parameters, or ApiError(400) naming the first thing that is wrong."""
        unknown = sorted(set(raw) - set(method.fields))
        if unknown:
            raise bad_request(f'unknown parameter "{unknown[0]}" for method {method.name}')
        decoded: dict[str, Any] = {}
        for field in method.fields.values():
            value = raw.get(field.name)
            if value is None:
                if field.required:
                    raise bad_request(f'parameter "{field.name}" is required')
                continue
            decoded[field.name] = self._top_level(method.name, field, value)
        return decoded

    def _top_level(self, owner: str, field: FieldSpec, value: object) -> Any:
        if isinstance(value, FilePart):
            if "InputFile" not in field.types:
                raise bad_request(f'parameter "{field.name}" can\'t be a file upload')
            return value
        if isinstance(value, str):
            value = self._from_text(field, value)
        return self._field_value(owner, field, value, field.name)

    def _from_text(self, field: FieldSpec, text: str) -> object:
        """Form values are text; turn them into what the declared type expects."""
        ordered = sorted(field.types, key=lambda ref: ref in ("String", "InputFile"))
        for ref in ordered:
            if ref == "Integer" and _INTEGER.fullmatch(text):
                return int(text)
            if ref == "Float":
                try:
                    return float(text)
                except ValueError:
                    continue
            if ref == "Boolean" and text.lower() in _TRUE | _FALSE:
                return text.lower() in _TRUE
            if ref in ("String", "InputFile"):
                return text
            if ref.startswith(ARRAY_PREFIX) or ref in self._spec.types:
                try:
                    return json.loads(text)
                except ValueError:
                    raise bad_request(
                        f'can\'t parse JSON in parameter "{field.name}": {text[:40]!r}'
                    ) from None
        raise bad_request(f'parameter "{field.name}" must be of type {_describe(field.types)}')

    def _field_value(self, owner: str, field: FieldSpec, value: object, path: str) -> Any:
        checked = self._value(field.types, value, path)
        if isinstance(checked, str):
            self._check_string(owner, field, checked, path)
        return checked

    def _check_string(self, owner: str, field: FieldSpec, text: str, path: str) -> None:
        limit = field.length
        if limit is not None:
            size = len(text.encode()) if limit.unit == "bytes" else utf16_len(text)
            if not limit.low <= size <= limit.high:
                reason = _LENGTH_ERRORS.get((owner, field.name)) or (
                    f'field "{path}" must be {limit.low}-{limit.high} {limit.unit} long, got {size}'
                )
                raise bad_request(reason)
        if field.allowed is not None and text not in field.allowed:
            choices = ", ".join(f'"{value}"' for value in sorted(field.allowed))
            raise bad_request(f'field "{path}" must be one of {choices}, got "{text}"')

    def _value(self, types: tuple[str, ...], value: object, path: str) -> Any:
        ref = self._select(types, value, path)
        if ref.startswith(ARRAY_PREFIX):
            assert isinstance(value, list)
            item_type = ref.removeprefix(ARRAY_PREFIX)
            return [
                self._value((item_type,), item, f"{path}[{index}]")
                for index, item in enumerate(value)
            ]
        spec_type = self._spec.types.get(ref)
        if spec_type is None or not isinstance(value, dict):
            return value
        return self._object(spec_type, value, path)

    def _object(self, spec_type: TypeSpec, value: dict[str, Any], path: str) -> dict[str, Any]:
        unknown = sorted(set(value) - set(spec_type.fields))
        if unknown:
            raise bad_request(f'unknown field "{path}.{unknown[0]}" in {spec_type.name}')
        decoded: dict[str, Any] = {}
        for field in spec_type.fields.values():
            item = value.get(field.name)
            if item is None:
                if field.required:
                    raise bad_request(
                        f'field "{path}.{field.name}" of {spec_type.name} is required'
                    )
                continue
            decoded[field.name] = self._field_value(
                spec_type.name, field, item, f"{path}.{field.name}"
            )
        rule = spec_type.one_of
        if rule is not None:
            used = sorted(rule.fields & set(decoded))
            if spec_type.name == "InlineKeyboardButton" and not used:
                raise bad_request(
                    "can't parse inline keyboard button: "
                    "Text buttons are unallowed in the inline keyboard"
                )
            if len(used) > 1 or (rule.exactly and not used):
                need = "exactly" if rule.exactly else "at most"
                raise bad_request(
                    f'{spec_type.name} "{path}" must use {need} one of '
                    f"{', '.join(sorted(rule.fields))}; it uses {used or 'none'}"
                )
        return decoded

    def _expand(self, types: tuple[str, ...]) -> list[str]:
        """Replace union types (BotCommandScope) by their members, recursively."""
        out: list[str] = []
        for ref in types:
            spec_type = self._spec.types.get(ref)
            if spec_type is not None and spec_type.subtypes:
                out += self._expand(spec_type.subtypes)
            else:
                out.append(ref)
        return out

    def _select(self, types: tuple[str, ...], value: object, path: str) -> str:
        """The one declared type this JSON value can be, or a 400 saying what was expected."""
        candidates = self._expand(types)
        for ref in candidates:
            if self._scalar_fits(ref, value):
                return ref
        if isinstance(value, dict):
            objects = [ref for ref in candidates if ref in self._spec.types]
            if objects:
                return self._pick_object(objects, value, path)
        raise bad_request(
            f'field "{path}" must be of type {_describe(types)}, got {_json_kind(value)}'
        )

    def _scalar_fits(self, ref: str, value: object) -> bool:
        if isinstance(value, bool):
            return ref == "Boolean"
        if isinstance(value, int):
            return ref in ("Integer", "Float")
        if isinstance(value, float):
            return ref == "Float"
        if isinstance(value, str):
            spec_type = self._spec.types.get(ref)
            return ref in ("String", "InputFile") or bool(spec_type and spec_type.string_allowed)
        if isinstance(value, list):
            return ref.startswith(ARRAY_PREFIX)
        return False

    def _pick_object(self, objects: list[str], value: dict[str, Any], path: str) -> str:
        keyed = [ref for ref in objects if self._spec.types[ref].discriminator is not None]
        if keyed and "type" in value:
            for ref in keyed:
                if self._spec.types[ref].discriminator == value["type"]:
                    return ref
            names = ", ".join(f'"{self._spec.types[ref].discriminator}"' for ref in keyed)
            raise bad_request(f'field "{path}.type" must be one of {names}, got {value["type"]!r}')

        def score(ref: str) -> tuple[bool, int]:
            fields = self._spec.types[ref].fields
            required = {name for name, field in fields.items() if field.required}
            return required <= set(value), len(set(value) & set(fields))

        return max(objects, key=score)


def _json_kind(value: object) -> str:
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, int):
        return "Integer"
    if isinstance(value, float):
        return "Float"
    if isinstance(value, str):
        return "String"
    if isinstance(value, list):
        return "Array"
    if isinstance(value, dict):
        return "Object"
    return type(value).__name__
