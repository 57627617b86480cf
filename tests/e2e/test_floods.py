"""One person flooding the bot must not hold up anyone else: `python -m bot run` as a real
process, 2,000 inline queries or 2,000 taps from one user queued ahead of another chat's
question, which must still be answered within a second.

Prints the other chat's wait and what the flood cost in Bot API calls (pytest -s shows them).
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from tests.e2e.test_process_lifecycle import BotProcess
from tests.fake_telegram import FakeTelegram

FLOOD = 2_000
FLOODER, BYSTANDER = 7601, 7602
QUESTION = "which battery does the key fob take"


@pytest.fixture
async def bot_process(server: FakeTelegram, tmp_path: Path) -> AsyncIterator[BotProcess]:
    """Serving: it has answered a first /start, so start-up is not part of any figure."""
    process = BotProcess(server, tmp_path / "data")
    await process.start()
    server.user_sends(BYSTANDER, "/start")
    await server.wait_for_bot_messages(BYSTANDER, 2, timeout=30)
    yield process
    assert process.process is not None
    process.process.kill()
    await process.process.wait()


async def flood_then_ask(server: FakeTelegram, flood: Callable[[], object], answer: str
                         ) -> tuple[float, int]:
    """The flood queued, then the bystander's question behind it: the seconds from that
    question to its answer, and how many of the flood were answered (`answer`: the method)."""
    for _ in range(FLOOD):
        flood()
    asked_at = time.monotonic()
    server.user_sends(BYSTANDER, QUESTION)
    await server.wait_for_bot_message(BYSTANDER, timeout=30)
    waited = time.monotonic() - asked_at
    return waited, sum(1 for call in server.calls if call.method == answer)


@pytest.mark.inline_mode
async def test_an_inline_query_flood_from_one_user_does_not_hold_up_other_chats(
        server: FakeTelegram, bot_process: BotProcess) -> None:
    waited, answered = await flood_then_ask(
        server, lambda: server.user_inline_query(FLOODER, "dead battery"), "answerInlineQuery")
    print(f"\n{FLOOD} inline queries from one user: another chat answered in "
          f"{waited * 1000:.0f} ms; {answered} of them answered", flush=True)
    assert waited < 1.0
    assert 1 <= answered <= 100, "the excess is dropped without a call to Telegram"


async def test_a_tap_flood_from_one_chat_does_not_hold_up_other_chats(
        server: FakeTelegram, bot_process: BotProcess) -> None:
    server.user_sends(FLOODER, "/start")
    _, menu = await server.wait_for_bot_messages(FLOODER, 2, timeout=10)
    ways = menu.buttons[0][0]["callback_data"]
    waited, answered = await flood_then_ask(
        server, lambda: server.user_taps(FLOODER, menu.message_id, ways), "answerCallbackQuery")
    print(f"\n{FLOOD} taps from one chat: another chat answered in {waited * 1000:.0f} ms; "
          f"{answered} of them answered", flush=True)
    assert waited < 1.0
    assert 1 <= answered <= 100, "the excess is dropped without a call to Telegram"
