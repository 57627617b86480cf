"""The trimmed spec and the parsers behind the fake's validation, tested without a server."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.fake_telegram.bot_api import BotApi
from tests.fake_telegram.errors import ApiError
from tests.fake_telegram.formatting import format_text
from tests.fake_telegram.spec import SPEC_PATH, load_spec
from tests.fake_telegram.state import World
from tests.fake_telegram.telegram_html import HtmlError, parse_html
from tests.fake_telegram.textutil import detect_entities, utf16_len
from tests.fake_telegram.trim_spec import METHODS, trim
from tests.fake_telegram.updates import UpdateQueue


def raw_spec() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
    return data


def test_trimmed_spec_is_exactly_what_trim_spec_produces() -> None:
    spec = raw_spec()
    assert spec["version"] == "Bot API 10.1"
    assert list(spec["methods"]) == [m for m in spec["methods"] if m in METHODS]
    assert set(spec["methods"]) == set(METHODS)
    assert trim(spec) == spec  # self-contained: no referenced type is missing
    assert "Paul Larsen" in (SPEC_PATH.parent / "LICENSE").read_text()


def test_every_spec_method_is_implemented() -> None:
    api = BotApi(World(bot_user={}), UpdateQueue())
    assert all(api.handles(name) for name in load_spec().methods)


def test_prose_rules_are_read_from_the_spec() -> None:
    types = load_spec().types
    button = types["InlineKeyboardButton"]
    assert button.one_of is not None and button.one_of.exactly
    assert "callback_data" in button.one_of.fields and "text" not in button.one_of.fields
    limit = button.fields["callback_data"].length
    assert limit is not None and (limit.low, limit.high, limit.unit) == (1, 64, "bytes")
    assert types["BotCommandScopeChat"].discriminator == "chat"
    assert types["KeyboardButton"].string_allowed
    entity_types = types["MessageEntity"].fields["type"].allowed
    assert entity_types is not None and {"bold", "bot_command", "date_time"} <= entity_types


@pytest.mark.parametrize(
    ("html", "text", "entities"),
    [
        ("<b>a<i>b</i></b>", "ab", [("bold", 0, 2), ("italic", 1, 1)]),
        ("<strong>s</strong><em>e</em><ins>i</ins><del>d</del>", "seid", None),
        ("😀<u>x</u>", "😀x", [("underline", 2, 1)]),
        ("&lt;&gt;&amp;&quot;&#65;&#x42;&lt", '<>&"AB<', None),
        ('<a href="https://e.com/?a=1&b=2">link</a>', "link", [("text_link", 0, 4)]),
        ('<pre><code class="language-python">x</code></pre>', "x", [("pre", 0, 1)]),
        ("<code>c</code>", "c", [("code", 0, 1)]),
        ("<blockquote expandable>q</blockquote>", "q", [("expandable_blockquote", 0, 1)]),
        ("<tg-spoiler>s</tg-spoiler>", "s", [("spoiler", 0, 1)]),
        ("<B>caps</B>", "caps", [("bold", 0, 4)]),
        ("<b>closed by empty tag</>", "closed by empty tag", [("bold", 0, 19)]),
        ("a > b", "a > b", []),
    ],
)
def test_html_parsing(html: str, text: str, entities: list[tuple[str, int, int]] | None) -> None:
    parsed_text, parsed = parse_html(html)
    assert parsed_text == text
    if entities is not None:
        assert [(e["type"], e["offset"], e["length"]) for e in parsed] == entities


def test_html_details() -> None:
    _, (pre,) = parse_html('<pre><code class="language-python">x</code></pre>')
    assert pre["language"] == "python"
    _, (link,) = parse_html('<a href="https://e.com/?a=1&amp;b=2">l</a>')
    assert link["url"] == "https://e.com/?a=1&b=2"
    _, (moment,) = parse_html('<tg-time unix="1647531900" format="wDT">22:45 tomorrow</tg-time>')
    assert moment == {
        "type": "date_time",
        "offset": 0,
        "length": 14,
        "unix_time": 1647531900,
        "date_time_format": "wDT",
    }
    with pytest.raises(HtmlError, match="custom emoji"):
        parse_html('<tg-emoji emoji-id="abc">x</tg-emoji>')


def test_length_counts_utf16_after_parsing() -> None:
    assert utf16_len("🚗") == 2 and utf16_len("я") == 1
    assert format_text("<b>" + "🚗" * 2048 + "</b>", "HTML", None).text == "🚗" * 2048
    with pytest.raises(ApiError, match="too long"):
        format_text("🚗" * 2048 + "x", None, None)


def test_detected_entities() -> None:
    found = detect_entities("/start@fake_test_bot go to https://nissan.com, ask @olga #trunk")
    assert [(e["type"], e["offset"], e["length"]) for e in found] == [
        ("bot_command", 0, 20),
        ("url", 27, 18),
        ("mention", 51, 5),
        ("hashtag", 57, 6),
    ]
    assert detect_entities("and/or 1/2 path/to") == []
