"""The thin Telegram shell: updates in, conversation replies out, nothing decided here."""

from bot.telegram_layer.application import build_application

__all__ = ["build_application"]
