"""Deep links and inline mode, as the pure conversation sees them: /start <entry id> opens
that answer, anything else starts as usual; every answer offers to share itself; "@bot
query" lists the best answers in the asker's language, each a short valid message."""

from __future__ import annotations

import pytest

from bot.cli.startup import Loaded
from bot.dialog import Command
from bot.dialog.callback_data import Action
from bot.dialog.conversation import Conversation
from bot.dialog.navigation import Kind, Screen
from bot.dialog.reply import ReplyKind
from bot.dialog.sharing import DESCRIPTION_CHARS, InlineArticles, entry_for_payload
from bot.knowledge import Knowledge
from tests.fake_telegram.telegram_html import parse_html
from tests.unit.conversation.conftest import Chat


@pytest.fixture(scope="module")
def inline(loaded: Loaded) -> InlineArticles:
    return InlineArticles(loaded.knowledge, loaded.reader)


def test_a_deep_link_opens_that_answer_after_the_greeting(chat: Chat) -> None:
    greeting, answer = chat.send("/start power-failure")
    assert greeting.kind is ReplyKind.GREETING and greeting.quick_replies
    assert answer.kind is ReplyKind.ANSWER and answer.screen == Screen(Kind.ANSWER, "power-failure")
    # Back and typed replies work from it
    assert chat.state.screen == Screen(Kind.ANSWER, "power-failure")


def test_a_deep_link_waits_for_the_language_question(conversation: Conversation) -> None:
    """Someone whose Telegram speaks neither language is asked first; the link still opens."""
    chat = Chat(conversation, language_code="uk")
    (question,) = chat.send("/start power-failure")
    assert question.kind is ReplyKind.LANGUAGE_CHOICE
    replies = chat.press(Action.LANGUAGE, "ru")
    assert [r.kind for r in replies if r.kind is ReplyKind.ANSWER], [r.kind for r in replies]
    assert chat.state.screen == Screen(Kind.ANSWER, "power-failure") and chat.state.language == "ru"


@pytest.mark.parametrize("payload", ["no-such-entry", "POWER-FAILURE", "power failure",
                                     "x" * 65, "power-failure?", "../power-failure", ""])
def test_an_unknown_or_malformed_payload_starts_as_usual(chat: Chat, payload: str) -> None:
    replies = chat.do(Command("start", payload, "en"))
    assert [r.kind for r in replies] == [ReplyKind.GREETING, ReplyKind.MENU]


def test_payloads_follow_telegrams_rules(knowledge: Knowledge) -> None:
    for entry_id in knowledge.entries:
        assert entry_for_payload(knowledge, entry_id) is not None
    assert entry_for_payload(knowledge, "power-failure\n") is None


def test_every_answer_offers_to_share_itself(chat: Chat, knowledge: Knowledge) -> None:
    for entry_id in knowledge.entries:
        chat.tap_data(chat.conversation.kit.codec.pack(Action.VIEW, f"answer.{entry_id}"))
        shares = [b for b in chat.buttons() if b.share]
        assert [b.share for b in shares] == [entry_id], entry_id
    (shown,) = chat.tap_data(shares[0].data)  # tapped as a plain button: the answer again
    assert shown.screen == Screen(Kind.ANSWER, entry_id)


def test_an_emergency_answer_offers_no_share_button(chat: Chat) -> None:
    chat.send("my kid is locked in the boot")
    assert not any(b.share for b in chat.buttons())


@pytest.mark.parametrize(("query", "code", "first", "language"), [
    ("dead battery", "en", {"power-failure", "faq-dead-battery"}, "en"),
    ("сел аккумулятор", "ru", {"power-failure", "faq-dead-battery"}, "ru"),
    ("where is the boot opener", "ru", {"lid-button"}, "en"),  # the query's own language
    ("power-failure", "ru", {"power-failure"}, "ru"),  # a share button's query: that answer
])
def test_an_inline_query_lists_the_best_answers(inline: InlineArticles, knowledge: Knowledge,
                                                query: str, code: str, first: set[str],
                                                language: str) -> None:
    answered_in, articles = inline.answer(query, code)
    assert answered_in == language and articles and articles[0].entry_id in first
    top = knowledge.entry(articles[0].entry_id)
    assert articles[0].title == top.title.in_(language)


def test_an_empty_inline_query_lists_the_ways_to_open(inline: InlineArticles,
                                                      knowledge: Knowledge) -> None:
    _, articles = inline.answer("   ", "en")
    assert [a.entry_id for a in articles] == list(knowledge.guided_order)


def test_inline_articles_are_short_valid_messages(inline: InlineArticles,
                                                  knowledge: Knowledge) -> None:
    for query in ("", "boot", "key fob dead", "ключ", "jump start", "hello", "x" * 300):
        for code in ("en", "ru", None):
            _, articles = inline.answer(query, code)
            assert 1 <= len(articles) <= 50 and len({a.entry_id for a in articles}) == len(
                articles)
            for article in articles:
                plain, _ = parse_html(article.text)
                assert 0 < len(plain) < 4000
                assert len(article.description) <= DESCRIPTION_CHARS
                assert "\n" not in article.description and article.title
