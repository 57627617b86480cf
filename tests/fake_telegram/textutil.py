"""Text measured and scanned the way Telegram does: UTF-16 offsets, auto-detected entities."""

from __future__ import annotations

import re
from typing import Any

# Characters Telegram trims from both ends of a message text.
TRIMMED = " \t\n\r\x0b\x0c"
# Invisible characters: a text made only of these (and whitespace) counts as empty.
INVISIBLE = frozenset(
    "\u00ad\u034f\u115f\u1160\u180e\u200b\u200c\u200d\u200e\u200f\u2060\u2800\u3164\ufeff\uffa0"
)

_BOT_COMMAND = re.compile(r"(?<![\w/<>])/[a-zA-Z0-9_]{1,64}(?:@[a-zA-Z0-9_]{3,32})?(?![\w/<>])")
_MENTION = re.compile(r"(?<!\w)@[a-zA-Z0-9_]{2,32}(?!\w)")
_HASHTAG = re.compile(r"(?<![\w#])#\w*[^\W\d_]\w*(?![\w#])")
_URL = re.compile(r"(?<![\w@])https?://[^\s<>\"]*[^\s<>\".,;:!?)\]']")
_AUTO = (("bot_command", _BOT_COMMAND), ("url", _URL), ("mention", _MENTION), ("hashtag", _HASHTAG))


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram's limits and entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def utf16_to_index(text: str, offset: int) -> int:
    """The Python string index of a UTF-16 offset."""
    units = 0
    for index, char in enumerate(text):
        if units >= offset:
            return index
        units += 2 if ord(char) > 0xFFFF else 1
    return len(text)


def is_blank(text: str) -> bool:
    """True when nothing visible is left, which Telegram reports as "message text is empty"."""
    return all(char in TRIMMED or char in INVISIBLE or char.isspace() for char in text)


def detect_entities(text: str) -> list[dict[str, Any]]:
    """Entities Telegram finds by itself in any message: commands, URLs, mentions, hashtags."""
    found: list[dict[str, Any]] = []
    taken: list[range] = []
    for kind, pattern in _AUTO:
        for match in pattern.finditer(text):
            span = range(match.start(), match.end())
            if any(span.start < other.stop and other.start < span.stop for other in taken):
                continue
            taken.append(span)
            found.append(
                {
                    "type": kind,
                    "offset": utf16_len(text[: match.start()]),
                    "length": utf16_len(match.group()),
                }
            )
    return sort_entities(found)


def sort_entities(entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Telegram's order: by offset, longer (outer) entities first."""
    return sorted(entities, key=lambda entity: (entity["offset"], -entity["length"]))
