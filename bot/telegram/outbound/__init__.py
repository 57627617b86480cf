"""Replies out: what the bot says, as Bot API calls, and how each call reaches Telegram.

replies.py         a Reply becomes a new message or an edit of the tapped one (the one place)
photos.py          a picture by its file_id once Telegram holds it, else its PNG
deep_links.py      the bot's deep links, and share buttons that carry them
inline_answers.py  answers to "@bot query" typed in any chat
retries.py         every retry policy (tenacity); rate_limit.py applies the one for each call
http.py            the framework's HTTP layer over aiohttp and orjson
"""

from bot.telegram.outbound import retries
from bot.telegram.outbound.deep_links import DeepLinks, links_of
from bot.telegram.outbound.http import AiohttpRequest, UpdatesRequest
from bot.telegram.outbound.inline_answers import INLINE_CACHE_SECONDS, InlineQueries
from bot.telegram.outbound.photos import Photos
from bot.telegram.outbound.rate_limit import RetryingRateLimiter
from bot.telegram.outbound.replies import ReplySender, ShownScreens

__all__ = ["INLINE_CACHE_SECONDS", "AiohttpRequest", "DeepLinks", "InlineQueries", "Photos",
           "ReplySender", "RetryingRateLimiter", "ShownScreens", "UpdatesRequest", "links_of",
           "retries"]
