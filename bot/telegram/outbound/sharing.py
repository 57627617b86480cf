"""Sharing, in Telegram's terms: share buttons, deep links, and answers to inline queries.

The dialog names what to share (an entry id, bot.dialog.sharing); this module knows the
bot's username (from getMe) and whether its inline mode is on, and turns that into buttons
and results Telegram accepts:
- with inline mode on, a share button opens the chat picker and then "@bot <entry id>",
  whose one result is a short message with a link back to the answer;
- without it, the button opens Telegram's own "share to..." with the deep link.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQuery,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    LinkPreviewOptions,
)
from telegram.constants import ParseMode

from bot.dialog import Button
from bot.dialog.sharing import InlineArticle, InlineArticles
from bot.knowledge import Knowledge
from bot.monitoring import metrics

# Results depend on the asker's language, so each user's are cached apart (is_personal);
# five minutes lets a knowledge fix reach people soon while typing stays snappy.
INLINE_CACHE_SECONDS = 300


@dataclass(frozen=True)
class DeepLinks:
    username: str  # the bot's, without @
    inline_mode: bool  # switched on with @BotFather's /setinline

    def to(self, payload: str) -> str:
        return f"https://t.me/{self.username}?start={payload}"

    def button(self, button: Button) -> InlineKeyboardButton:
        """A dialog button as Telegram shows it: a share button becomes a link."""
        if not button.share:
            return InlineKeyboardButton(button.label, callback_data=button.data)
        if self.inline_mode:
            return InlineKeyboardButton(button.label, switch_inline_query=button.share)
        query = urlencode({"url": self.to(button.share)})
        return InlineKeyboardButton(button.label, url=f"https://t.me/share/url?{query}")


def links_of(bot: Bot) -> DeepLinks | None:
    """The bot's own links, once it knows its username (getMe, at start)."""
    try:
        return DeepLinks(bot.username, bool(bot.supports_inline_queries))
    except RuntimeError:  # not initialised: no getMe yet
        return None


class InlineQueries:
    """Answers "@bot query" in any chat; nothing is stored, nothing is needed later."""

    def __init__(self, knowledge: Knowledge, articles: InlineArticles) -> None:
        self._knowledge = knowledge
        self._articles = articles

    async def answer(self, query: InlineQuery, links: DeepLinks) -> None:
        metrics.UPDATES.labels("inline_query").inc()
        language_code = query.from_user.language_code if query.from_user else None
        language, articles = self._articles.answer(query.query, language_code)
        start = articles[0].entry_id if articles else "start"
        await query.answer(
            [self._result(article, links) for article in articles],
            cache_time=INLINE_CACHE_SECONDS, is_personal=True,
            button=InlineQueryResultsButton(self._knowledge.ui("inline_start", language),
                                            start_parameter=start))

    @staticmethod
    def _result(article: InlineArticle, links: DeepLinks) -> InlineQueryResultArticle:
        link = links.to(article.entry_id)
        text = f'{article.text}\n\n<a href="{link}">{article.open_label}</a>'
        return InlineQueryResultArticle(
            id=article.entry_id, title=article.title, description=article.description,
            input_message_content=InputTextMessageContent(
                text, parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True)),
            reply_markup=InlineKeyboardMarkup(
                [[InlineKeyboardButton(article.open_label, url=link)]]))
