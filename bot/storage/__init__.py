"""Where chat state lives between updates: one SQLite file under BOT_DATA_DIR."""

from bot.storage.chat_store import ChatStore

__all__ = ["ChatStore"]
