"""Telegram's HTML parse mode: the tag set, nesting rules and error texts of the real parser.

Tags (Bot API 10.1): b strong i em u ins s strike del, tg-spoiler and span class="tg-spoiler",
a href, code (class="language-x" inside pre), pre, blockquote [expandable], tg-emoji
emoji-id, tg-time unix [format]. Anything else is "Unsupported start tag".
Stricter than the real parser in one documented way: a bare "&" that does not start one of
&lt; &gt; &amp; &quot; or a numeric entity is rejected (the docs require &amp;, tdlib
happens to tolerate it). Offsets are in UTF-16 code units; errors give byte offsets.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from typing import Any

from .textutil import sort_entities, utf16_len

_SIMPLE = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}
SUPPORTED_TAGS = frozenset({*_SIMPLE, "a", "code", "pre", "blockquote", "tg-emoji", "tg-time"})
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPACES = " \t\r\n\x0b\x0c"
_TOKEN = frozenset(string.ascii_letters + string.digits + ".-")


class HtmlError(ValueError):
    """The text after "can't parse entities: " in Telegram's error."""


@dataclass
class _Open:
    tag: str
    argument: str
    offset: int
    start: int
    expandable: bool
    time_format: str


def decode_entity(text: str, index: int) -> tuple[str, int] | None:
    """The character of the HTML entity at text[index] == "&" and the index after it."""
    pos = index + 1
    if text.startswith("#", pos):
        pos += 1
        hexadecimal = text[pos : pos + 1] in ("x", "X")
        pos += hexadecimal
        digits = string.hexdigits if hexadecimal else string.digits
        start = pos
        while pos < len(text) and text[pos] in digits:
            pos += 1
        if start == pos or pos - start > 8:
            return None
        code = int(text[start:pos], 16 if hexadecimal else 10)
        if code == 0 or code >= 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            return None
        char = chr(code)
    else:
        start = pos
        while pos < len(text) and text[pos] in string.ascii_letters:
            pos += 1
        if text[start:pos] not in _NAMED:
            return None
        char = _NAMED[text[start:pos]]
    if text.startswith(";", pos):
        pos += 1
    return char, pos


_PLAIN_RUN = re.compile(r"[^&<]+")


class _Parser:
    def __init__(self, source: str) -> None:
        self.src = source
        self.pos = 0
        self.out: list[str] = []
        self.units = 0
        self.stack: list[_Open] = []
        self.entities: list[dict[str, Any]] = []

    def byte_offset(self, index: int) -> int:
        return len(self.src[:index].encode())

    def emit(self, text: str) -> None:
        self.out.append(text)
        self.units += utf16_len(text)

    def at_end(self) -> bool:
        return self.pos >= len(self.src)

    def skip_spaces(self) -> None:
        while not self.at_end() and self.src[self.pos] in _SPACES:
            self.pos += 1

    def run(self) -> tuple[str, list[dict[str, Any]]]:
        while not self.at_end():
            char = self.src[self.pos]
            if char == "&":
                decoded = decode_entity(self.src, self.pos)
                if decoded is None:
                    raise HtmlError(
                        f'Unescaped "&" at byte offset {self.byte_offset(self.pos)}; '
                        "the docs require &amp;"
                    )
                self.emit(decoded[0])
                self.pos = decoded[1]
            elif char != "<":  # a run of plain text, copied in one step
                end = _PLAIN_RUN.match(self.src, self.pos).end()  # type: ignore[union-attr]
                self.emit(self.src[self.pos : end])
                self.pos = end
            elif self.src.startswith("</", self.pos):
                self.close_tag()
            else:
                self.open_tag()
        if self.stack:
            raise HtmlError(f"Can't find end tag corresponding to start tag {self.stack[-1].tag}")
        return "".join(self.out), sort_entities(self.entities)

    def read_name(self, start: int) -> str:
        self.pos = start
        while not self.at_end() and self.src[self.pos] not in _SPACES + ">":
            self.pos += 1
        return self.src[start : self.pos].lower()

    def open_tag(self) -> None:
        begin = self.pos
        offset = self.byte_offset(begin)
        tag = self.read_name(begin + 1)
        if self.at_end():
            raise HtmlError(f"Unclosed start tag at byte offset {offset}")
        if tag not in SUPPORTED_TAGS:
            raise HtmlError(f'Unsupported start tag "{tag}" at byte offset {offset}')
        attributes = self.attributes(tag, offset)
        argument = _argument(tag, attributes)
        if tag == "span" and argument != "spoiler":
            raise HtmlError(f'Tag "span" must have class "tg-spoiler" at byte offset {offset}')
        self.stack.append(
            _Open(
                tag,
                argument,
                self.units,
                len(self.out),
                expandable="expandable" in attributes,
                time_format=attributes.get("format", ""),
            )
        )

    def attributes(self, tag: str, offset: int) -> dict[str, str]:
        """Reads attributes up to and including ">" (a bare "expandable" maps to "")."""
        found: dict[str, str] = {}
        while True:
            self.skip_spaces()
            if self.at_end():
                raise HtmlError(f'Unclosed start tag "{tag}" at byte offset {offset}')
            if self.src[self.pos] == ">":
                self.pos += 1
                return found
            start = self.pos
            while not self.at_end() and self.src[self.pos] not in _SPACES + "=>":
                self.pos += 1
            name = self.src[start : self.pos]
            if not name:
                raise HtmlError(f'Empty attribute name in the tag "{tag}" at byte offset {offset}')
            self.skip_spaces()
            if self.at_end() or self.src[self.pos] != "=":
                if tag == "blockquote" and name == "expandable":
                    found[name] = ""
                    continue
                raise HtmlError(
                    "Expected equal sign in declaration of an attribute of the tag "
                    f'"{tag}" at byte offset {offset}'
                )
            self.pos += 1
            self.skip_spaces()
            if self.at_end():
                raise HtmlError(f'Unclosed start tag "{tag}" at byte offset {offset}')
            value = self.attribute_value()
            if self.at_end():
                raise HtmlError(f"Unclosed start tag at byte offset {offset}")
            found[name] = value

    def attribute_value(self) -> str:
        quote = self.src[self.pos]
        if quote in "\"'":
            self.pos += 1
            chars: list[str] = []
            while not self.at_end() and self.src[self.pos] != quote:
                decoded = decode_entity(self.src, self.pos) if self.src[self.pos] == "&" else None
                if decoded is None:
                    chars.append(self.src[self.pos])
                    self.pos += 1
                else:
                    chars.append(decoded[0])
                    self.pos = decoded[1]
            self.pos += 1
            return "".join(chars)
        start = self.pos
        while not self.at_end() and self.src[self.pos] in _TOKEN:
            self.pos += 1
        if not self.at_end() and self.src[self.pos] not in _SPACES + ">":
            offset = self.byte_offset(start)
            raise HtmlError(f"Unexpected end of name token at byte offset {offset}")
        return self.src[start : self.pos].lower()

    def close_tag(self) -> None:
        begin = self.pos
        offset = self.byte_offset(begin)
        if not self.stack:
            raise HtmlError(f"Unexpected end tag at byte offset {offset}")
        name = self.read_name(begin + 2)
        self.skip_spaces()
        if self.at_end() or self.src[self.pos] != ">":
            raise HtmlError(f"Unclosed end tag at byte offset {offset}")
        self.pos += 1
        top = self.stack[-1]
        if name and name != top.tag:
            raise HtmlError(
                f'Unmatched end tag at byte offset {offset}, expected "</{top.tag}>", '
                f'found "</{name}>"'
            )
        self.stack.pop()
        if self.units > top.offset:
            self.add_entity(top, self.units - top.offset)

    def add_entity(self, top: _Open, length: int) -> None:
        entity: dict[str, Any] = {"offset": top.offset, "length": length}
        last = self.entities[-1] if self.entities else None
        same_span = last is not None and (last["offset"], last["length"]) == (top.offset, length)
        if top.tag in _SIMPLE:
            entity["type"] = _SIMPLE[top.tag]
        elif top.tag == "blockquote":
            entity["type"] = "expandable_blockquote" if top.expandable else "blockquote"
        elif top.tag == "tg-emoji":
            if not top.argument.isdigit() or int(top.argument) == 0:
                raise HtmlError("Invalid custom emoji identifier specified")
            entity.update(type="custom_emoji", custom_emoji_id=top.argument)
        elif top.tag == "tg-time":
            if not top.argument.isdigit():
                raise HtmlError('Tag "tg-time" must have a valid "unix" attribute')
            entity.update(type="date_time", unix_time=int(top.argument))
            if top.time_format:
                entity["date_time_format"] = top.time_format
        elif top.tag == "a":
            url = top.argument or "".join(self.out[top.start :])
            entity.update(type="text_link", url=url)
        elif top.tag == "pre" and last is not None and same_span and last["type"] == "code":
            language = last.pop("language", None)
            last["type"] = "pre"
            if language:
                last["language"] = language
            return
        elif top.tag == "code" and last is not None and same_span and last["type"] == "pre":
            if top.argument:
                last["language"] = top.argument
            return
        else:
            entity["type"] = top.tag
            if top.tag == "code" and top.argument:
                entity["language"] = top.argument
        self.entities.append(entity)


def _argument(tag: str, attributes: dict[str, str]) -> str:
    """The one attribute value Telegram uses for this tag ("" if absent)."""
    if tag == "a":
        return attributes.get("href", "")
    if tag == "tg-emoji":
        return attributes.get("emoji-id", "")
    if tag == "tg-time":
        return attributes.get("unix", "")
    prefix = {"code": "language-", "span": "tg-"}.get(tag)
    value = attributes.get("class", "")
    if prefix is not None and value.startswith(prefix):
        return value.removeprefix(prefix)
    return ""


def parse_html(source: str) -> tuple[str, list[dict[str, Any]]]:
    """Plain text and entities of an HTML-formatted text, or HtmlError with Telegram's reason."""
    text, entities = _Parser(source).run()
    for entity in entities:
        if entity["type"] == "code":
            entity.pop("language", None)
    return text, entities
