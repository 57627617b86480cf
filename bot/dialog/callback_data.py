"""Button data: short, versioned, and safe to receive forged.

Format: "<format><knowledge version>:<action>[:<arg>...]", e.g. "1a3f0:s:lid-button:2".
A button carries where it leads, so a tap still works after a restart; the version makes a
button from before a knowledge change (ids or steps moved) recognisably stale.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

FORMAT = "1"
MAX_BYTES = 64  # Telegram's limit for callback_data


class Action(StrEnum):
    MENU = "m"
    WAYS = "w"
    FAQ = "f"
    CAR = "c"  # ask which generation
    SET_CAR = "g"  # arg: J10 | J11 | J12 | unsure
    ENTRY = "e"  # arg: entry id
    STEP = "s"  # args: method id, 0-based step
    WORKED = "y"  # arg: method id
    FAILED = "n"  # arg: method id
    GUIDED = "h"  # start "it won't open"
    LANGUAGE = "l"  # arg: language code


@dataclass(frozen=True)
class CallbackData:
    action: Action
    args: tuple[str, ...] = ()


class CallbackCodec:
    """Packs and unpacks button data for one knowledge version."""

    def __init__(self, knowledge_version: str) -> None:
        self._prefix = f"{FORMAT}{knowledge_version}"

    def pack(self, action: Action, *args: str | int) -> str:
        data = ":".join([self._prefix, action.value, *map(str, args)])
        if len(data.encode()) > MAX_BYTES:
            raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
        return data

    def unpack(self, data: str) -> CallbackData | None:
        """None for anything this version did not make: old, forged or garbled."""
        prefix, _, rest = data.partition(":")
        if prefix != self._prefix or not rest:
            return None
        action_code, *args = rest.split(":")
        try:
            action = Action(action_code)
        except ValueError:
            return None
        return CallbackData(action, tuple(args))
