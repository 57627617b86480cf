"""Inline mode: a user types "@bot query" in any chat; the bot answers with results.

An inline query is answered at most once, within Telegram's time; the answer is checked as
Telegram checks it: at most 50 results, unique ids of at most 64 bytes, each message text
valid HTML within 4096 characters, buttons valid, a start parameter Telegram accepts.
"""

from __future__ import annotations

import re
from typing import Any

from .errors import bad_request
from .formatting import format_text
from .rules import check_reply_markup
from .state import World

QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"
MAX_RESULTS = 50
_START_PARAMETER = re.compile(r"[A-Za-z0-9_-]{1,64}")


class InlineAnswers:
    def __init__(self, world: World) -> None:
        self.world = world

    async def answer(self, params: dict[str, Any]) -> object:
        record = self.world.inline_queries.get(params["inline_query_id"])
        if record is None or record.answered:
            raise bad_request(QUERY_INVALID)
        results: list[dict[str, Any]] = params["results"]
        if len(results) > MAX_RESULTS:
            raise bad_request("RESULTS_TOO_MUCH")
        seen: set[str] = set()
        for result in results:
            self._check_result(result, seen)
        if params.get("cache_time", 300) < 0:
            raise bad_request("cache_time must be non-negative")
        if len(params.get("next_offset", "").encode()) > 64:
            raise bad_request("NEXT_OFFSET_INVALID")
        button = params.get("button")
        if button is not None and "start_parameter" in button and not _START_PARAMETER.fullmatch(
                button["start_parameter"]):
            raise bad_request("START_PARAM_INVALID")
        record.answered = True
        self.world.inline_answers[record.query_id] = params
        self.world.changes.bump()
        return True

    def _check_result(self, result: dict[str, Any], seen: set[str]) -> None:
        result_id = result["id"]
        if not 1 <= len(result_id.encode()) <= 64:
            raise bad_request("RESULT_ID_INVALID")
        if result_id in seen:
            raise bad_request("RESULT_ID_DUPLICATE")
        seen.add(result_id)
        if result["type"] == "article" and not result["title"].strip():
            raise bad_request("RESULT_TITLE_EMPTY")
        content = result.get("input_message_content")
        if content is not None and "message_text" in content:
            format_text(content["message_text"], content.get("parse_mode"),
                        content.get("entities"))
        check_reply_markup(result.get("reply_markup"), inline_mode=True)
