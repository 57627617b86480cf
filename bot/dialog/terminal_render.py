"""Replies as plain terminal text: tags stripped, links spelt out, buttons numbered."""

from __future__ import annotations

import re

from bot.dialog.reply import Button, Reply

_LINK = re.compile(r'<a href="([^"]*)">(.*?)</a>', re.DOTALL)


def plain_text(reply: Reply, buttons: list[Button] | None = None,
               picture_path: str = "") -> str:
    """The reply's text; its buttons are numbered on from len(buttons) and appended to it.
    A picture comes first, as `[picture: name]` and where its PNG is, when known."""
    lines = [Reply(_LINK.sub(r"\2 <\1>", reply.text)).plain_text]
    if reply.picture is not None:
        lines.insert(0, " ".join(p for p in (f"[picture: {reply.picture.name}]", picture_path)
                                 if p))
    for row in reply.buttons:
        labels = []
        for button in row:
            if buttons is not None:
                buttons.append(button)
                labels.append(f"[{len(buttons)}] {button.label}")
            else:
                labels.append(f"[{button.label}]")
        lines.append("   ".join(labels))
    if reply.quick_replies:
        lines.append("(keyboard: " + " | ".join(k for row in reply.quick_replies for k in row)
                     + ")")
    return "\n".join(lines)
