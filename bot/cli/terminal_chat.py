"""The Telegram conversation in a terminal: type text or /commands, or a number to tap."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TextIO

from bot.cli.startup import load
from bot.config import DEFAULT_DATA_DIR
from bot.dialog import ChatState, Command, Event, Tap, TextMessage
from bot.dialog.reply import Button
from bot.dialog.terminal_render import plain_text

PROMPT = "you> "


def chat(stdin: TextIO, stdout: TextIO, language_code: str | None = None,
         pictures: Path | None = None) -> int:
    """`pictures`: where a picture's PNG is written to look at (BOT_DATA_DIR/pictures)."""
    loaded = load()
    conversation = loaded.conversation
    pictures = pictures or Path(os.environ.get("BOT_DATA_DIR", DEFAULT_DATA_DIR)) / "pictures"
    state = ChatState()
    buttons: list[Button] = []

    def show(event: Event) -> None:
        nonlocal state, buttons
        state, replies, _ = conversation.handle(state, event)
        buttons = []
        for reply in replies:
            path = "" if reply.picture is None else str(loaded.gallery.save(
                reply.picture.name, reply.picture.language, pictures))
            print(plain_text(reply, buttons, path), end="\n\n", file=stdout)

    print("Qashqai Trunk Assistant in the terminal. Type a question, a /command, or the "
          "number of a button. Ctrl-D quits.\n", file=stdout)
    show(Command("start", language_code=language_code))
    while True:
        print(PROMPT, end="", file=stdout, flush=True)
        line = stdin.readline()
        if not line:
            print(file=stdout)
            return 0
        text = line.strip()
        if text.isdigit() and 1 <= int(text) <= len(buttons):
            button = buttons[int(text) - 1]
            if button.share:  # in Telegram, a link to the answer: t.me/<bot>?start=<id>
                print(f"[share: t.me/<bot>?start={button.share}]", file=stdout)
            show(Tap(button.data))
        elif text.startswith("/"):
            show(Command.parse(text))
        else:
            show(TextMessage(text))
