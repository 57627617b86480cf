"""Replies out: what the bot says, as Bot API calls, and how each call reaches Telegram.

replies.py         a Reply becomes a new message or an edit of the tapped one (the one place)
photos.py          a picture by its file_id once Telegram holds it, else its PNG
deep_links.py      the bot's deep links, and share buttons that carry them
inline_answers.py  answers to "@bot query" typed in any chat
retries.py         every retry policy (tenacity); rate_limit.py applies the one for each call
http.py            the framework's HTTP layer over aiohttp and orjson

Each name is imported from its module when first used (bot/lazy.py): the HTTP layer and the
retries are wanted before the first getUpdates, the replies only once the chats are served.
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.telegram.outbound.deep_links import DeepLinks as DeepLinks
    from bot.telegram.outbound.deep_links import links_of as links_of
    from bot.telegram.outbound.http import AiohttpRequest as AiohttpRequest
    from bot.telegram.outbound.http import UpdatesRequest as UpdatesRequest
    from bot.telegram.outbound.inline_answers import INLINE_CACHE_SECONDS as INLINE_CACHE_SECONDS
    from bot.telegram.outbound.inline_answers import InlineQueries as InlineQueries
    from bot.telegram.outbound.photos import Photos as Photos
    from bot.telegram.outbound.rate_limit import RetryingRateLimiter as RetryingRateLimiter
    from bot.telegram.outbound.replies import ReplySender as ReplySender
    from bot.telegram.outbound.replies import ShownScreens as ShownScreens
else:
    from bot.lazy import exports

    __all__, __getattr__, __dir__ = exports(__name__, __file__)
