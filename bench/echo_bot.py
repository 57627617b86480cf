"""The thinnest python-telegram-bot bot: echoes every text message. The baseline that
bench/end_to_end.py compares our bot with (same library, same fake server, no work of ours).

Configured like `python -m bot run`, by environment: TELEGRAM_BOT_TOKEN, TELEGRAM_API_URL
(the Bot API base URL without /bot; default https://api.telegram.org) and LOG_LEVEL.
bench/end_to_end.py starts it against tests/fake_telegram on 127.0.0.1; by hand:

    TELEGRAM_BOT_TOKEN=... TELEGRAM_API_URL=http://127.0.0.1:PORT .venv/bin/python bench/echo_bot.py
"""

from __future__ import annotations

import logging
import os

from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is not None and message.text is not None:
        await message.reply_text(message.text)


def main() -> None:
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "WARNING").upper())
    api_url = os.environ.get("TELEGRAM_API_URL", "https://api.telegram.org").rstrip("/")
    application = (
        Application.builder()
        .token(os.environ["TELEGRAM_BOT_TOKEN"])
        .base_url(f"{api_url}/bot")
        .build()
    )
    application.add_handler(MessageHandler(filters.TEXT, echo))
    application.run_polling()


if __name__ == "__main__":
    main()
