"""The test server takes photos and inline answers as Telegram does, and refuses what Telegram
refuses: an unknown file_id, an over-long caption, broken HTML, a text edit of a photo, a
second answer to an inline query, duplicate result ids."""

from __future__ import annotations

import struct
import zlib
from collections.abc import AsyncIterator

import pytest
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputMediaPhoto,
    InputTextMessageContent,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest

from tests.fake_telegram import FakeTelegram

CHAT = 4242


def png(width: int, height: int) -> bytes:
    """A real (tiny-to-encode) PNG of the given size."""
    raw = b"".join(b"\x00" + b"\xff" * (width * 3) for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw))
            + chunk(b"IEND", b""))


@pytest.fixture
async def inline_server() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(inline_mode=True) as fake:
        yield fake
    assert fake.rejections == [], fake.rejections


async def test_an_upload_returns_sizes_whose_file_id_sends_it_again(server: FakeTelegram,
                                                                    bot: Bot) -> None:
    server.add_chat(CHAT)
    sent = await bot.send_photo(CHAT, png(1000, 800), caption="<b>Step 1</b>",
                                parse_mode=ParseMode.HTML)
    assert [s.width for s in sent.photo] == [90, 320, 800, 1000]
    assert sent.caption == "Step 1" and sent.caption_entities[0].type == "bold"
    again = await bot.send_photo(CHAT, sent.photo[-1].file_id, caption="again")
    assert again.photo[-1].file_unique_id == sent.photo[-1].file_unique_id
    assert len(server.uploads) == 1  # the second was sent by file_id
    view = server.bot_messages(CHAT)[-1]
    assert view.text == "again" and view.photo is not None


async def test_unknown_file_ids_long_captions_and_bad_html_are_refused(
        server: FakeTelegram, bot: Bot) -> None:
    server.add_chat(CHAT)
    with pytest.raises(BadRequest, match=r"(?i)wrong file identifier"):
        await bot.send_photo(CHAT, "AgACAgIAAxkBAAIBZ2_not_ours")
    sent = await bot.send_photo(CHAT, png(900, 600))
    server.forget_files()
    with pytest.raises(BadRequest, match=r"(?i)wrong file identifier"):
        await bot.send_photo(CHAT, sent.photo[-1].file_id)
    with pytest.raises(BadRequest, match=r"(?i)caption is too long"):
        await bot.send_photo(CHAT, png(900, 600), caption="x" * 1025)
    with pytest.raises(BadRequest, match=r"(?i)can.t parse entities"):
        await bot.send_photo(CHAT, png(900, 600), caption="<b>open", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)IMAGE_PROCESS_FAILED"):
        await bot.send_photo(CHAT, b"not a picture at all")
    assert len(server.rejections) == 5
    server.rejections.clear()


async def test_a_text_message_takes_a_photo_in_place_but_a_photo_takes_no_text(
        server: FakeTelegram, bot: Bot) -> None:
    server.add_chat(CHAT)
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Next", callback_data="n")]])
    text = await bot.send_message(CHAT, "menu", reply_markup=keyboard)
    edited = await bot.edit_message_media(
        InputMediaPhoto(png(1000, 800), caption="step 1"), CHAT, text.message_id,
        reply_markup=keyboard)
    assert edited.message_id == text.message_id and edited.photo and edited.text is None
    captioned = await bot.edit_message_caption(CHAT, text.message_id, caption="step 2",
                                               reply_markup=keyboard)
    assert captioned.caption == "step 2"
    with pytest.raises(BadRequest, match=r"(?i)not modified"):
        await bot.edit_message_caption(CHAT, text.message_id, caption="step 2",
                                       reply_markup=keyboard)
    with pytest.raises(BadRequest, match=r"(?i)no text in the message"):
        await bot.edit_message_text("back to text", CHAT, text.message_id)
    plain = await bot.send_message(CHAT, "plain")
    with pytest.raises(BadRequest, match=r"(?i)no caption"):
        await bot.edit_message_caption(CHAT, plain.message_id, caption="x")
    assert server.bot_messages(CHAT)[0].text == "step 2"
    server.rejections.clear()


async def test_inline_queries_are_answered_once_with_valid_results(
        inline_server: FakeTelegram) -> None:
    async with Bot(inline_server.token, base_url=inline_server.api_base_url) as bot:
        assert (await bot.get_me()).supports_inline_queries
        query_id = inline_server.user_inline_query(77, "dead battery", language_code="ru")
        (update,) = await bot.get_updates()
        assert update.inline_query is not None and update.inline_query.query == "dead battery"
        article = InlineQueryResultArticle("power-failure", "Flat battery",
                                           InputTextMessageContent("<b>Flat</b> battery",
                                                                   parse_mode=ParseMode.HTML))
        await bot.answer_inline_query(query_id, [article], cache_time=60, is_personal=True)
        answer = await inline_server.wait_for_inline_answer(query_id)
        assert answer["results"][0]["id"] == "power-failure" and answer["cache_time"] == 60
        with pytest.raises(BadRequest, match=r"(?i)query is too old"):
            await bot.answer_inline_query(query_id, [article])
        second = inline_server.user_inline_query(77, "x")
        with pytest.raises(BadRequest, match=r"(?i)RESULT_ID_DUPLICATE"):
            await bot.answer_inline_query(second, [article, article])
        broken = InlineQueryResultArticle("a", "A", InputTextMessageContent(
            "<b>open", parse_mode=ParseMode.HTML))
        with pytest.raises(BadRequest, match=r"(?i)can.t parse entities"):
            await bot.answer_inline_query(second, [broken])
    inline_server.rejections.clear()


async def test_a_switch_inline_button_is_refused_while_inline_mode_is_off(
        server: FakeTelegram, bot: Bot) -> None:
    server.add_chat(CHAT)
    share = InlineKeyboardMarkup([[InlineKeyboardButton("Share", switch_inline_query="x")]])
    with pytest.raises(BadRequest, match=r"(?i)inline mode is off"):
        await bot.send_message(CHAT, "share me", reply_markup=share)
    with pytest.raises(LookupError):
        server.user_inline_query(77, "anything")
    server.rejections.clear()
