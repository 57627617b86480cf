"""sendDocument as Telegram takes it: a file uploaded as multipart/form-data (or a file_id
sent before, or a URL), a caption of at most 1024 characters after entities parsing, and the
refusals Telegram gives. The spec's own parameter rules apply as to every method."""

from __future__ import annotations

import json
from typing import Any

import aiohttp
import pytest
from telegram import Bot, InputFile
from telegram.constants import ParseMode
from telegram.error import Forbidden

from tests.fake_telegram import FakeTelegram

CHAT = 4242
CSV = "question,language\r\nboot light,en\r\n".encode("utf-8-sig")


@pytest.fixture
def chat(server: FakeTelegram) -> int:
    server.add_chat(CHAT)
    return CHAT


async def test_an_uploaded_document_is_kept_with_its_name_type_size_and_caption(
        server: FakeTelegram, bot: Bot, chat: int) -> None:
    sent = await bot.send_document(chat, InputFile(CSV, filename="unanswered.csv"),
                                   caption="<b>2</b> questions", parse_mode=ParseMode.HTML)
    document = sent.document
    assert document is not None
    assert (document.file_name, document.file_size) == ("unanswered.csv", len(CSV))
    assert document.mime_type == "text/csv"
    assert sent.caption == "2 questions" and sent.caption_entities[0].type == "bold"
    (view,) = server.bot_messages(chat)
    assert view.document is not None and view.caption == "2 questions"
    assert server.file_content(view.document["file_id"]) == CSV


async def test_a_file_id_sent_before_can_be_sent_again(server: FakeTelegram, bot: Bot,
                                                       chat: int) -> None:
    first = await bot.send_document(chat, InputFile(CSV, filename="a.csv"))
    assert first.document is not None
    again = await bot.send_document(chat, first.document.file_id)
    assert again.document is not None and again.document.file_id == first.document.file_id


async def post_form(server: FakeTelegram, fields: dict[str, Any],
                    files: dict[str, bytes] | None = None) -> tuple[int, dict[str, Any]]:
    form = aiohttp.FormData()
    for name, value in fields.items():
        form.add_field(name, value if isinstance(value, str) else json.dumps(value))
    for name, content in (files or {}).items():
        form.add_field(name, content, filename=f"{name}.csv", content_type="text/csv")
    async with aiohttp.ClientSession() as session, session.post(
            f"{server.api_base_url}{server.token}/sendDocument", data=form) as response:
        return response.status, await response.json()


@pytest.mark.parametrize(("fields", "files", "description"), [
    ({"chat_id": str(CHAT)}, None, 'parameter "document" is required'),
    ({"chat_id": str(CHAT)}, {"document": b""}, "file must be non-empty"),
    ({"chat_id": str(CHAT), "document": "no-such-file-id"}, None,
     "wrong file identifier/HTTP URL specified"),
    ({"chat_id": str(CHAT), "caption": "x" * 1025}, {"document": CSV},
     "message caption is too long"),
    ({"chat_id": str(CHAT), "caption": "<b>open", "parse_mode": "HTML"}, {"document": CSV},
     "can't parse entities"),
    ({"chat_id": str(CHAT), "filename": "x.csv"}, {"document": CSV},
     'unknown parameter "filename"'),
    ({"chat_id": "999"}, {"document": CSV}, "chat not found"),
    ({"chat_id": str(CHAT)}, {"caption": CSV, "document": CSV},
     'parameter "caption" can\'t be a file upload'),
])
async def test_what_telegram_refuses_is_refused(
        server: FakeTelegram, chat: int, fields: dict[str, Any], files: dict[str, bytes] | None,
        description: str) -> None:
    status, body = await post_form(server, fields, files)
    assert status == 400 and not body["ok"]
    assert description in body["description"]
    assert server.bot_messages(chat) == []
    server.rejections.clear()


async def test_a_caption_of_exactly_1024_characters_is_fine(server: FakeTelegram, bot: Bot,
                                                           chat: int) -> None:
    sent = await bot.send_document(chat, InputFile(CSV, filename="a.csv"), caption="я" * 1024)
    assert sent.caption == "я" * 1024


async def test_a_blocked_user_gets_no_document(server: FakeTelegram, bot: Bot,
                                               chat: int) -> None:
    server.user_blocks_bot(chat)
    with pytest.raises(Forbidden, match="blocked"):
        await bot.send_document(chat, InputFile(CSV, filename="a.csv"))
    server.rejections.clear()

