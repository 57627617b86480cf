"""Turns a message text plus parse_mode/entities into what Telegram stores and shows.

This is where "1-4096 characters after entities parsing" is enforced: tags are stripped,
entities decoded, surrounding whitespace trimmed, and the rest counted in UTF-16 units.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import bad_request
from .telegram_html import HtmlError, parse_html
from .textutil import TRIMMED, detect_entities, is_blank, sort_entities, utf16_len

MAX_MESSAGE_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024


@dataclass(frozen=True)
class FormattedText:
    """A message text as Telegram keeps it: plain text and its entities."""

    text: str
    entities: list[dict[str, Any]]


def _trim(text: str, entities: list[dict[str, Any]]) -> FormattedText:
    """Strip leading/trailing whitespace and move entities along, as Telegram does."""
    stripped = text.lstrip(TRIMMED)
    shift = len(text) - len(stripped)  # trimmed characters are all one UTF-16 unit
    stripped = stripped.rstrip(TRIMMED)
    size = utf16_len(stripped)
    kept: list[dict[str, Any]] = []
    for entity in entities:
        start = max(0, entity["offset"] - shift)
        end = min(size, entity["offset"] + entity["length"] - shift)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return FormattedText(stripped, kept)


def _with_detected(formatted: FormattedText) -> FormattedText:
    """Add the URL/command/mention entities Telegram detects, where nothing else is."""
    spans = [(e["offset"], e["offset"] + e["length"]) for e in formatted.entities]
    extra = [
        entity
        for entity in detect_entities(formatted.text)
        if not any(
            entity["offset"] < end and start < entity["offset"] + entity["length"]
            for start, end in spans
        )
    ]
    return FormattedText(formatted.text, sort_entities(formatted.entities + extra))


def format_caption(
    caption: str | None, parse_mode: str | None, entities: list[dict[str, Any]] | None
) -> FormattedText:
    """A media caption: may be empty, "0-1024 characters after entities parsing"."""
    if caption is None or is_blank(caption):
        return FormattedText("", [])
    return format_text(caption, parse_mode, entities, limit=MAX_CAPTION_LENGTH,
                       too_long="message caption is too long")


def format_text(
    text: str,
    parse_mode: str | None,
    entities: list[dict[str, Any]] | None,
    *,
    limit: int = MAX_MESSAGE_LENGTH,
    too_long: str = "message is too long",
) -> FormattedText:
    """The stored form of a message text, or the 400 Telegram gives for it."""
    mode = (parse_mode or "").lower()
    if entities is not None:
        plain, found = text, [dict(entity) for entity in entities]
    elif mode == "html":
        try:
            plain, found = parse_html(text)
        except HtmlError as error:
            raise bad_request(f"can't parse entities: {error}") from None
    elif mode in ("markdown", "markdownv2"):
        raise bad_request(f"parse_mode {parse_mode} is not implemented by FakeTelegram; use HTML")
    elif mode == "":
        plain, found = text, []
    else:
        raise bad_request("unsupported parse_mode")
    formatted = _trim(plain, found)
    if is_blank(formatted.text):
        raise bad_request("message text is empty")
    if utf16_len(formatted.text) > limit:
        raise bad_request(too_long)
    return _with_detected(formatted)
