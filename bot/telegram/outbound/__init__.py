"""Replies out: what the bot says, as Bot API calls, and how each call reaches Telegram.

replies.py     a Reply becomes a new message or an edit of the tapped one (the one place)
photos.py      a picture by its file_id once Telegram holds it, else its PNG
sharing.py     share buttons, deep links, answers to inline queries
retries.py     every retry policy (tenacity); rate_limit.py applies the one for each call
http.py        the framework's HTTP layer over aiohttp and orjson
"""

from bot.telegram.outbound import retries
from bot.telegram.outbound.http import AiohttpRequest, UpdatesRequest
from bot.telegram.outbound.photos import Photos
from bot.telegram.outbound.rate_limit import RetryingRateLimiter
from bot.telegram.outbound.replies import ReplySender, ShownScreens
from bot.telegram.outbound.sharing import INLINE_CACHE_SECONDS, DeepLinks, InlineQueries, links_of

__all__ = ["INLINE_CACHE_SECONDS", "AiohttpRequest", "DeepLinks", "InlineQueries", "Photos",
           "ReplySender", "RetryingRateLimiter", "ShownScreens", "UpdatesRequest", "links_of",
           "retries"]
