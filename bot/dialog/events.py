"""What a user can do, in words the conversation understands (no Telegram types)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Command:
    name: str  # without the slash, lower case: "start", "menu"...
    argument: str = ""
    language_code: str | None = None  # Telegram's guess of the user's language

    @classmethod
    def parse(cls, text: str, language_code: str | None = None) -> Command:
        """"/Start@QashqaiBot  en" -> Command("start", "en"): no slash, no bot name, lower
        case; the one place a command is read, whoever typed it (Telegram, the terminal)."""
        head, _, argument = text.strip().partition(" ")
        name = head.lstrip("/").split("@", 1)[0].lower()
        return cls(name, argument.strip(), language_code)


@dataclass(frozen=True)
class TextMessage:
    text: str
    language_code: str | None = None
    # the language to answer in whatever the text reads as (`ask --lang`); None: the person's
    language: str | None = None


@dataclass(frozen=True)
class Tap:
    """A tap on an inline button: `data` is whatever the button carried, possibly forged."""

    data: str
    language_code: str | None = None


@dataclass(frozen=True)
class Unsupported:
    """A sticker, photo, voice note, location... anything that is not text or a tap."""

    kind: str
    language_code: str | None = None


Event = Command | TextMessage | Tap | Unsupported
