"""FakeTelegram: a real local HTTP server that answers like api.telegram.org for one bot.

Tests drive it from both sides: simulated users act (user_sends, user_taps ...), the bot
under test talks HTTP to it, and tests observe or await the outcome (bot_messages,
wait_for_bot_message, rejections ...). Point python-telegram-bot at it with
Bot(token, base_url=server.api_base_url).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from types import TracebackType
from typing import Any, TypeVar

from aiohttp import web

from .bot_api import BotApi
from .endpoint import Endpoint
from .faults import Faults
from .objects import message_json, user_json
from .spec import load_spec
from .state import Chat, ScopeKey, StoredFile, WebhookState, World
from .updates import UpdateQueue
from .users import SimulatedUsers
from .views import BotMessageView, Call, Rejection
from .webhook import post_update

T = TypeVar("T")
DEFAULT_TOKEN = "123456789:AAFakeTelegramTestTokenForLocalUse00"


def _bot_id(token: str) -> int:
    prefix = token.split(":", 1)[0]
    return int(prefix) if prefix.isdigit() else 123456789


class FakeTelegram:
    """The fake Bot API server for one bot token, with user simulation and observation."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        bot_username: str = "fake_test_bot",
        bot_first_name: str = "Fake Test Bot",
        host: str = "127.0.0.1",
        port: int = 0,
        fault_seed: int = 0,
        callback_query_ttl: float | None = None,
        inline_mode: bool = False,
    ) -> None:
        self.token = token
        self.host = host
        self.port = port
        bot = user_json(_bot_id(token), bot_first_name, is_bot=True, username=bot_username)
        self.world = World(bot_user=bot, callback_query_ttl=callback_query_ttl,
                           inline_mode=inline_mode)
        self.queue = UpdateQueue()
        self.faults = Faults(rng=random.Random(fault_seed))
        self.users = SimulatedUsers(self.world, self.queue)
        self.api = BotApi(self.world, self.queue)
        self.endpoint = Endpoint(token, load_spec(), self.api, self.faults, self.world.changes)
        self._runner: web.AppRunner | None = None

    # ---------------------------------------------------------------- lifecycle

    async def start(self) -> None:
        """Listen on host:port (an ephemeral port the first time; the same one on restart)."""
        if self._runner is not None:
            return
        self.endpoint.closing.clear()
        self.queue.reopen()
        runner = web.AppRunner(self.endpoint.application(), shutdown_timeout=1.0)
        await runner.setup()
        await web.TCPSite(runner, self.host, self.port).start()
        self.port = int(runner.addresses[0][1])
        self._runner = runner

    async def stop(self) -> None:
        """Stop listening; pending long polls end at once. State survives for a restart."""
        if self._runner is None:
            return
        self.endpoint.closing.set()
        self.queue.close()
        runner, self._runner = self._runner, None
        await runner.cleanup()

    async def __aenter__(self) -> FakeTelegram:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """http://127.0.0.1:PORT"""
        if self._runner is None and self.port == 0:
            raise RuntimeError("the server is not started")
        return f"http://{self.host}:{self.port}"

    @property
    def api_base_url(self) -> str:
        """What python-telegram-bot takes as base_url (it appends the token)."""
        return f"{self.base_url}/bot"

    @property
    def bot_user(self) -> dict[str, Any]:
        """The bot's own User object (getMe)."""
        return self.world.bot_user

    # ---------------------------------------------------------------- simulated users

    def user_sends(
        self,
        chat_id: int,
        text: str,
        *,
        language_code: str | None = "en",
        first_name: str = "Test",
        user_id: int | None = None,
    ) -> dict[str, Any]:
        """A user writes `text` in chat_id (created on first contact); returns the Message."""
        return self.users.sends(
            chat_id, text, language_code=language_code, first_name=first_name, user_id=user_id
        )

    def user_sends_kind(
        self,
        chat_id: int,
        kind: str,
        *,
        language_code: str | None = "en",
        first_name: str = "Test",
        user_id: int | None = None,
    ) -> dict[str, Any]:
        """A user sends a sticker, photo, voice, location, document or contact."""
        return self.users.sends_kind(
            chat_id, kind, language_code=language_code, first_name=first_name, user_id=user_id
        )

    def user_taps(
        self,
        chat_id: int,
        message_id: int,
        callback_data: str,
        *,
        language_code: str | None = "en",
        first_name: str = "Test",
        user_id: int | None = None,
    ) -> str:
        """A user presses a callback button (any data: clients can forge it); returns the
        callback query id."""
        return self.users.taps(
            chat_id,
            message_id,
            callback_data,
            language_code=language_code,
            first_name=first_name,
            user_id=user_id,
        )

    def user_inline_query(
        self, user_id: int, query: str, *, language_code: str | None = "en",
        chat_type: str = "sender",
    ) -> str:
        """A user types "@bot query" in some chat (the bot's inline mode must be on, as
        Telegram sends inline queries only then); returns the inline query id."""
        return self.users.inline_query(user_id, query, language_code=language_code,
                                       chat_type=chat_type)

    async def wait_for_inline_answer(self, query_id: str, timeout: float = 5.0
                                     ) -> dict[str, Any]:
        """The answerInlineQuery parameters once the bot answered `query_id`."""
        return await self.world.changes.wait_until(
            lambda: self.world.inline_answers.get(query_id), timeout,
            self._describe(f"an answer to inline query {query_id}"))

    def forget_files(self) -> None:
        """Telegram no longer holds any file the bot uploaded: its file_ids are refused (as
        after a move to another bot token, or a file_id from elsewhere)."""
        self.api.photos.forget_all()

    @property
    def uploads(self) -> list[StoredFile]:
        """Every file the bot uploaded (not sent again by file_id), in order."""
        return self.world.uploads

    def user_blocks_bot(self, chat_id: int) -> None:
        """The user blocks the bot: sends get 403, the bot gets a my_chat_member update."""
        self.users.set_blocked(chat_id, True)

    def user_unblocks_bot(self, chat_id: int) -> None:
        """The user restarts the bot after blocking it."""
        self.users.set_blocked(chat_id, False)

    def add_raw_update(self, update: dict[str, Any]) -> int | None:
        """Queue any update kind as given (update_id is assigned if missing); None if the
        bot's allowed_updates filters it out, as Telegram would."""
        update_id = self.queue.push(update)
        self.world.changes.bump()
        return update_id

    def add_chat(
        self, chat_id: int, *, chat_type: str | None = None, title: str | None = None
    ) -> None:
        """Make a chat known without a message (a group the bot was added to, say)."""
        kind = chat_type or ("private" if chat_id > 0 else "group")
        first_name = "Test" if kind == "private" else None
        self.world.add_chat(Chat(chat_id, kind, first_name=first_name, title=title))

    # ---------------------------------------------------------------- observation

    @property
    def calls(self) -> list[Call]:
        """Every request received, in order, as (method, params)."""
        return self.endpoint.calls

    @property
    def rejections(self) -> list[Rejection]:
        """Every 4xx answer given, as (method, params, description). Faults are not here."""
        return self.endpoint.rejections

    @property
    def answered_callbacks(self) -> dict[str, dict[str, Any]]:
        """callback query id -> answerCallbackQuery parameters."""
        return self.world.answered_callbacks

    @property
    def commands(self) -> dict[tuple[ScopeKey, str], list[dict[str, Any]]]:
        """(scope, language_code) -> the BotCommand list set there."""
        return self.world.commands

    def commands_for(
        self, scope: ScopeKey | None = None, language_code: str = ""
    ) -> list[dict[str, Any]] | None:
        """The command list of one scope and language (None if never set)."""
        return self.world.commands.get((scope or ScopeKey(), language_code))

    @property
    def menu_buttons(self) -> dict[int | None, dict[str, Any]]:
        """chat id (None: the default) -> MenuButton set by setChatMenuButton."""
        return self.world.menu_buttons

    @property
    def chat_actions(self) -> list[tuple[int, str]]:
        """(chat_id, action) of every sendChatAction."""
        return self.world.chat_actions

    @property
    def webhook(self) -> WebhookState:
        """The webhook settings (url "" when polling)."""
        return self.world.webhook

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates the bot has not confirmed yet."""
        return self.queue.pending

    def bot_messages(self, chat_id: int) -> list[BotMessageView]:
        """The bot's messages in a chat as they are now, oldest first."""
        chat = self.world.chats.get(chat_id)
        if chat is None:
            return []
        return [BotMessageView.of(m) for m in chat.messages.values() if m.by_bot]

    def file_content(self, file_id: str) -> bytes:
        """What the bot uploaded as a document under `file_id` (sendDocument)."""
        return self.api.documents.files[file_id].data

    def history(self, chat_id: int) -> list[dict[str, Any]]:
        """Every message of a chat (user's and bot's) as Message JSON, oldest first."""
        chat = self.world.chats.get(chat_id)
        if chat is None:
            return []
        return [message_json(message, chat) for message in chat.messages.values()]

    # ---------------------------------------------------------------- waiting

    def _describe(self, what: str, chat_id: int | None = None) -> Callable[[], str]:
        def describe() -> str:
            lines = [f"timed out waiting for {what}"]
            if chat_id is not None:
                lines += [f"  bot message: {view}" for view in self.bot_messages(chat_id)[-5:]]
            lines += [f"  call: {call}" for call in self.calls[-8:]]
            lines += [f"  REJECTED: {rejection}" for rejection in self.rejections[-5:]]
            return "\n".join(lines)

        return describe

    async def wait_for(self, predicate: Callable[[], T | None], timeout: float = 5.0) -> T:
        """Wait until predicate() returns something other than None/False; returns it."""

        def probe() -> T | None:
            result = predicate()
            return None if result is False else result

        return await self.world.changes.wait_until(probe, timeout, self._describe("predicate"))

    def _after(self, chat_id: int, after_message_id: int | None) -> int:
        if after_message_id is not None:
            return after_message_id
        chat = self.world.chats.get(chat_id)
        return chat.action_message_id if chat is not None else 0

    async def wait_for_bot_messages(
        self,
        chat_id: int,
        count: int,
        after_message_id: int | None = None,
        timeout: float = 5.0,
    ) -> list[BotMessageView]:
        """The first `count` bot messages sent after `after_message_id` (default: after the
        last simulated user action in that chat)."""
        after = self._after(chat_id, after_message_id)

        def probe() -> list[BotMessageView] | None:
            new = [view for view in self.bot_messages(chat_id) if view.message_id > after]
            return new[:count] if len(new) >= count else None

        what = f"{count} bot message(s) in chat {chat_id} after message {after}"
        return await self.world.changes.wait_until(probe, timeout, self._describe(what, chat_id))

    async def wait_for_bot_message(
        self, chat_id: int, after_message_id: int | None = None, timeout: float = 5.0
    ) -> BotMessageView:
        """The first bot message after `after_message_id` (default: after the last user
        action in that chat)."""
        views = await self.wait_for_bot_messages(chat_id, 1, after_message_id, timeout)
        return views[0]

    async def wait_for_edit(
        self,
        chat_id: int,
        message_id: int,
        timeout: float = 5.0,
        *,
        min_edit_count: int | None = None,
    ) -> BotMessageView:
        """The message once edited after the last user action in the chat (or once it has
        at least `min_edit_count` edits)."""

        def probe() -> BotMessageView | None:
            chat = self.world.chats.get(chat_id)
            message = chat.messages.get(message_id) if chat is not None else None
            if chat is None or message is None:
                return None
            if min_edit_count is not None:
                done = message.edit_count >= min_edit_count
            else:
                done = message.edited_seq > chat.action_seq
            return BotMessageView.of(message) if done else None

        what = f"an edit of message {message_id} in chat {chat_id}"
        return await self.world.changes.wait_until(probe, timeout, self._describe(what, chat_id))

    async def wait_for_callback_answer(self, query_id: str, timeout: float = 5.0) -> dict[str, Any]:
        """The answerCallbackQuery parameters once the bot answered `query_id`."""
        return await self.world.changes.wait_until(
            lambda: self.answered_callbacks.get(query_id),
            timeout,
            self._describe(f"an answer to callback query {query_id}"),
        )

    async def wait_for_call(self, method: str, count: int = 1, timeout: float = 5.0) -> Call:
        """The `count`-th call of `method` (counting from the server's start)."""

        def probe() -> Call | None:
            matching = [call for call in self.calls if call.method == method]
            return matching[count - 1] if len(matching) >= count else None

        return await self.world.changes.wait_until(
            probe, timeout, self._describe(f"call #{count} of {method}")
        )

    # ---------------------------------------------------------------- webhook

    async def deliver_webhook(self, update: dict[str, Any] | None = None) -> int:
        """POST an update to the webhook set by setWebhook, with the secret-token header.

        Without an argument the oldest pending update goes; a given update is queued first
        (getting an update_id). A 2xx answer confirms it. Returns the HTTP status."""
        if update is not None:
            update_id = self.queue.push(update)
            if update_id is None:
                raise ValueError("the bot's allowed_updates filters this update out")
        pending = self.queue.pending
        if not pending:
            raise LookupError("no pending update to deliver")
        chosen = pending[-1] if update is not None else pending[0]
        status = await post_update(self.world.webhook, chosen)
        if 200 <= status < 300:
            self.queue.remove(chosen["update_id"])
            self.world.changes.bump()
        return status
