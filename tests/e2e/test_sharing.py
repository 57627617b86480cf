"""Deep links and sharing from any chat, over the real Bot API path, in both languages: a
link opens its answer, every answer has a share button Telegram accepts, and "@bot query"
in any chat lists answers whose messages lead back to the bot."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from prometheus_client import REGISTRY

from bot.cli.startup import Loaded
from bot.telegram.outbound import INLINE_CACHE_SECONDS
from tests.e2e.conftest import RunningBot, User
from tests.fake_telegram import FakeTelegram
from tests.fake_telegram.views import BotMessageView

LANGUAGES = ("en", "ru")
SHARE = {"en": "Share", "ru": "Поделиться"}
DEEP_LINK = re.compile(r"https://t\.me/fake_test_bot\?start=([A-Za-z0-9_-]+)")


def share_button(message: BotMessageView, language: str) -> dict[str, str]:
    return next(b for row in message.buttons for b in row if SHARE[language] in b["text"])


@pytest.mark.parametrize("language", LANGUAGES)
async def test_a_deep_link_opens_its_answer(server: FakeTelegram, running_bot: RunningBot,
                                            loaded: Loaded, language: str) -> None:
    user = User(server, chat_id=8000 + LANGUAGES.index(language), language_code=language)
    greeting, answer = await user.send("/start power-failure", count=2)
    assert greeting.reply_markup and "keyboard" in greeting.reply_markup
    title = loaded.knowledge.entry("power-failure").title.in_(language)
    assert (answer.text or "").startswith(title)
    assert answer.photo is not None  # the key: its blade opens the driver's door


@pytest.mark.parametrize("payload", ["no-such-answer", "power failure", "x" * 70])
async def test_an_unknown_or_malformed_link_starts_as_usual(
        server: FakeTelegram, running_bot: RunningBot, loaded: Loaded, payload: str) -> None:
    user = User(server, chat_id=8010)
    _, menu = await user.send(f"/start {payload}", count=2)
    assert loaded.knowledge.ui("main_menu", "en") in (menu.text or "")


@pytest.mark.parametrize("language", LANGUAGES)
async def test_without_inline_mode_the_share_button_shares_the_deep_link(
        server: FakeTelegram, running_bot: RunningBot, language: str) -> None:
    user = User(server, chat_id=8020 + LANGUAGES.index(language), language_code=language)
    (answer,) = await user.send({"en": "where is the boot opener",
                                 "ru": "где кнопка открывания багажника"}[language])
    url = share_button(answer, language)["url"]
    shared = parse_qs(urlsplit(url).query)["url"][0]
    assert url.startswith("https://t.me/share/url?")
    assert shared == "https://t.me/fake_test_bot?start=lid-button"


@pytest.mark.inline_mode
@pytest.mark.parametrize("language", LANGUAGES)
async def test_inline_sharing_from_any_chat_leads_a_friend_back_to_the_answer(
        server: FakeTelegram, running_bot: RunningBot, loaded: Loaded,
        language: str) -> None:
    user = User(server, chat_id=8030 + LANGUAGES.index(language), language_code=language)
    _, answer = await user.send("/start key-fob", count=2)
    assert share_button(answer, language)["switch_inline_query"] == "key-fob"
    # in another chat, "@bot dead battery" (the query the share button fills in works too)
    say = {"en": "dead battery", "ru": "сел аккумулятор"}[language]
    query_id = server.user_inline_query(user.chat_id, say, language_code=language)
    answered = await server.wait_for_inline_answer(query_id)
    assert answered["is_personal"] and answered["cache_time"] == INLINE_CACHE_SECONDS
    results = answered["results"]
    assert results and results[0]["id"] in {"power-failure", "faq-dead-battery"}
    top = loaded.knowledge.entry(results[0]["id"])
    assert results[0]["title"] == top.title.in_(language) and results[0]["description"]
    message = results[0]["input_message_content"]["message_text"]
    (payload,) = DEEP_LINK.findall(message)
    assert payload == results[0]["id"]
    assert results[0]["reply_markup"]["inline_keyboard"][0][0]["url"].endswith(payload)
    # the friend taps the link: Telegram sends /start <payload> to the bot
    friend = User(server, chat_id=8040 + LANGUAGES.index(language),
                  language_code=language)
    _, opened = await friend.send(f"/start {payload}", count=2)
    assert (opened.text or "").startswith(top.title.in_(language))


@pytest.mark.inline_mode
async def test_an_empty_inline_query_lists_the_ways_to_open(
        server: FakeTelegram, running_bot: RunningBot, loaded: Loaded) -> None:
    counted = {"kind": "inline_query"}
    before = REGISTRY.get_sample_value("trunk_bot_updates_total", counted) or 0.0
    query_id = server.user_inline_query(9, "", language_code="ru")
    answered = await server.wait_for_inline_answer(query_id)
    assert REGISTRY.get_sample_value("trunk_bot_updates_total", counted) == before + 1, \
        "inline queries are counted among the updates in /metrics"
    assert [r["id"] for r in answered["results"]] == list(loaded.knowledge.guided_order)
    assert answered["button"]["start_parameter"] == loaded.knowledge.guided_order[0]
    first = loaded.knowledge.entry(answered["results"][0]["id"])
    assert answered["results"][0]["title"] == first.title.in_("ru")


@pytest.mark.inline_mode
@pytest.mark.parametrize("query", ["trunk <b>&amp;", "\u202e\u200b 🔑", "x" * 256, "/start"])
async def test_odd_inline_queries_get_valid_answers(server: FakeTelegram, running_bot: RunningBot,
                                                    query: str) -> None:
    query_id = server.user_inline_query(11, query, language_code=None)
    answered = await server.wait_for_inline_answer(query_id)
    assert 1 <= len(answered["results"]) <= 50  # and the fixture checks none was refused
