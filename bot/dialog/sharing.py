"""Sharing an answer: deep links to it, and the articles inline mode offers in any chat.

A deep link is t.me/<bot>?start=<payload>; the payload is an entry id, which already keeps
Telegram's rules (A-Z, a-z, 0-9, _ and -, at most 64 characters). `/start <payload>` opens
that answer; anything else starts as a plain /start would.

Inline mode ("@bot dead battery" in any chat) offers the best-matching answers as articles,
each a short message with a link back to the bot; an empty query offers the ways to open, most
likely first. Pure like the rest of the dialog: no chat, no state, so a result chosen days
later still works, and the bot's username is added by the Telegram layer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

from bot.dialog.screens import language_for_code
from bot.knowledge import DEFAULT_LANGUAGE, Entry, Knowledge
from bot.matching import Outcome
from bot.matching.matcher import SUGGEST_THRESHOLD
from bot.matching.reader import Reader

PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")  # Telegram's rule for a start parameter
MAX_RESULTS = 8  # a phone shows about five above the keyboard; more is scrolling
DESCRIPTION_CHARS = 90  # one line under the title
QUERY_CHARS = 256  # Telegram's limit for an inline query


def entry_for_payload(knowledge: Knowledge, payload: str) -> Entry | None:
    """The entry a deep link names; None for an unknown or malformed payload."""
    if not PAYLOAD.fullmatch(payload):
        return None
    return knowledge.entries.get(payload)


@dataclass(frozen=True)
class InlineArticle:
    """One result of an inline query: what the list shows, and the message it sends."""

    entry_id: str  # also the deep link's payload and the result's id
    title: str
    description: str  # one line
    text: str  # HTML: the title in bold and the short answer; the link is added by the shell
    open_label: str  # the label of the link back to the bot


class InlineArticles:
    def __init__(self, knowledge: Knowledge, reader: Reader) -> None:
        self.knowledge = knowledge
        self.reader = reader

    def answer(self, query: str, language_code: str | None) -> tuple[str, list[InlineArticle]]:
        """The language to answer in and the articles for `query`, best first."""
        query = " ".join(query.split())[:QUERY_CHARS]
        language = language_for_code(language_code) or DEFAULT_LANGUAGE
        if not query:
            return language, self._articles(self.knowledge.guided_order, language)
        exact = self.knowledge.entries.get(query)
        if exact is not None:  # the share button's query: that answer, alone
            return language, self._articles([exact.id], language)
        reading = self.reader.read(query)
        if reading.language_confident:
            language = reading.language
        found = [reading.answer_id] if reading.answer_id else []
        found += [m.entry_id for m in reading.match.matches if m.score >= SUGGEST_THRESHOLD]
        if reading.match.outcome is Outcome.UNRELATED and not reading.answer_id:
            found = []
        ids = list(dict.fromkeys(i for i in found if i in self.knowledge.entries))
        return language, self._articles(ids or self.knowledge.guided_order, language)

    def _articles(self, ids: list[str] | tuple[str, ...], language: str) -> list[InlineArticle]:
        articles = []
        for entry_id in list(ids)[:MAX_RESULTS]:
            entry = self.knowledge.entry(entry_id)
            title, answer = entry.title.in_(language), entry.answer.in_(language)
            articles.append(InlineArticle(
                entry_id=entry.id,
                title=title,
                description=_one_line(answer),
                text=f"<b>{escape(title, quote=False)}</b>\n\n{escape(answer, quote=False)}",
                open_label=self.knowledge.ui("inline_open", language),
            ))
        return articles


def _one_line(text: str) -> str:
    """The first sentence, or the start of the text, within DESCRIPTION_CHARS."""
    first = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0]
    if len(first) <= DESCRIPTION_CHARS:
        return first
    return first[:DESCRIPTION_CHARS - 1].rsplit(" ", 1)[0] + "…"
