"""Answers to inline queries: "@bot dead battery" typed in any chat, answered with the
answers that match (bot/dialog/sharing.py picks them), each a short message with a deep link
back to the bot."""

from __future__ import annotations

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQuery,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
)

from bot.dialog.sharing import InlineArticle, InlineArticles
from bot.knowledge import Knowledge
from bot.monitoring import metrics
from bot.telegram.outbound.deep_links import DeepLinks

# Results depend on the asker's language, so each user's are cached apart (is_personal);
# five minutes lets a knowledge fix reach people soon while typing stays snappy.
INLINE_CACHE_SECONDS = 300


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
            input_message_content=InputTextMessageContent(text),  # HTML: the bot's Defaults
            reply_markup=InlineKeyboardMarkup(
                [[InlineKeyboardButton(article.open_label, url=link)]]))
