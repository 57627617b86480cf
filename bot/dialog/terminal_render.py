"""Replies as plain terminal text: tags stripped, buttons numbered."""

from __future__ import annotations

from bot.dialog.reply import Button, Reply


def plain_text(reply: Reply, buttons: list[Button] | None = None) -> str:
    """The reply's text; its buttons are numbered on from len(buttons) and appended to it."""
    lines = [reply.plain_text]
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
