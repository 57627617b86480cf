"""The second workaround for python-telegram-bot, kept in one place: a default parse mode
sent to methods that take none.

With Defaults(parse_mode=HTML) on the Application (bot/telegram/wiring/application.py), the
framework adds `parse_mode` to every request it builds through Bot._send_message, among them
editMessageMedia and editMessageReplyMarkup, which take none (a photo's caption carries its
own, inside the media). Telegram ignores a parameter it does not know; the test server
rejects it, as it rejects anything the Bot API does not list, so that a typo cannot hide.
The HTTP layer (bot/telegram/outbound/http.py) drops it, and every request stays what the
Bot API describes.

tests/unit/test_framework_workaround.py fails when the framework stops sending it, so the
workaround can then go. A method the bot starts calling that takes no parse_mode belongs in
TAKES_NO_PARSE_MODE: until it is there, the test server refuses it in the end-to-end tests.
"""

from __future__ import annotations

from typing import Any, TypeVar

TAKES_NO_PARSE_MODE = frozenset({"editMessageMedia", "editMessageReplyMarkup"})

Parameters = TypeVar("Parameters", bound=dict[str, Any])


def drop_stray_parse_mode(url: str, parameters: Parameters) -> Parameters:
    """`parameters` of a request to `url` (…/bot{token}/{method}), without a parse_mode its
    method does not take; changed in place, as the framework builds them anew each time."""
    if "parse_mode" in parameters and url.rpartition("/")[2] in TAKES_NO_PARSE_MODE:
        del parameters["parse_mode"]
    return parameters
