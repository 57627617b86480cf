"""Button data: short, versioned, and safe to receive forged.

Format: "<format><knowledge version>:<action>[:<arg>...]", e.g. "2a3f0:k:lid-button:2".
A button carries where it leads, so a tap still works after a restart; the version makes a
button from before a knowledge change (ids or steps moved) recognisably stale.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

FORMAT = "2"
MAX_BYTES = 64  # Telegram's limit for callback_data


class Action(StrEnum):
    VIEW = "v"  # arg: a screen (bot.dialog.navigation): menu, an answer, its "More"...
    WALK = "k"  # args: way's id, 0-based step
    BACK = "b"  # arg: the screen the button is on
    WORKED = "y"  # arg: way's id
    FAILED = "n"  # arg: way's id: its last step did not open the boot
    SKIP = "p"  # arg: way's id: on to the next way before the last step
    GUIDED = "h"  # start "it won't open"
    SET_CAR = "g"  # args: J10 | J11 | J12 | unsure, then optionally "h" (start the run)
    LANGUAGE = "l"  # arg: language code
    TOOLS = "t"  # args: yes | no, way's id, step: the answer to "have you got jump leads?"
    GATE = "q"  # args: yes | no, way's id: "does your car have this?" before a way
    SHARE = "s"  # arg: entry id: a share button (Telegram shows it as a link: see reply.py)
    RATE = "r"  # args: up | down | skip, the screen rated (bot/dialog/feedback.py)


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
