"""/metrics and /health on their own port, fetched over real HTTP; what the Telegram layer
counts (retries, 429s). Counters are process-wide, so tests compare before and after."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from prometheus_client import REGISTRY
from telegram.error import NetworkError, RetryAfter

from bot.dialog import Unsupported
from bot.monitoring import metrics
from bot.monitoring.metrics import active_chats_refresh
from bot.monitoring.pages import MetricsServer
from bot.records import DAY
from bot.storage import SqliteStorage
from bot.telegram.outbound import RetryingRateLimiter
from tests.unit.clocks import Clock
from tests.unit.test_retries import Flaky, through_limiter


class Alive:
    def __init__(self) -> None:
        self.alive = True

    def __call__(self) -> bool:
        return self.alive


@pytest.fixture
def alive() -> Alive:
    return Alive()


@pytest.fixture
async def metrics_server(storage: SqliteStorage, clock: Clock, alive: Alive
                         ) -> AsyncIterator[MetricsServer]:
    server = MetricsServer("127.0.0.1", 0, active_chats_refresh(storage.activity, clock), alive)
    await server.start()
    yield server
    await server.stop()


async def fetch(server: MetricsServer, path: str) -> tuple[int, str, str]:
    async with aiohttp.ClientSession() as session, session.get(
            f"http://127.0.0.1:{server.port}{path}") as response:
        return response.status, response.headers["Content-Type"], await response.text()


async def test_metrics_are_served_in_prometheus_text_format_with_every_series_at_zero(
        metrics_server: MetricsServer) -> None:
    status, content_type, body = await fetch(metrics_server, "/metrics")
    assert status == 200 and content_type.startswith("text/plain")
    for line in ('trunk_bot_updates_total{kind="sticker"}',
                 'trunk_bot_questions_total{outcome="declined"}',
                 'trunk_bot_replies_total{how="edited",kind="answer"}',
                 'trunk_bot_retries_total{policy="redelivery"}',
                 'trunk_bot_send_failures_total{reason="given_up"}',
                 'trunk_bot_flood_total{verdict="warn"}',
                 "trunk_bot_rate_limited_total", "trunk_bot_rate_limited_wait_seconds_total",
                 "trunk_bot_update_seconds_bucket", "trunk_bot_updates_in_progress",
                 "process_resident_memory_bytes"):
        assert line in body, line


async def test_active_chats_are_read_from_storage_at_each_scrape(
        metrics_server: MetricsServer, storage: SqliteStorage, clock: Clock) -> None:
    await storage.activity.seen(1, clock.now - 10 * DAY)
    await storage.activity.seen(2, clock.now - 3 * DAY)
    await storage.activity.seen(3, clock.now - 60)
    _, _, body = await fetch(metrics_server, "/metrics")
    assert 'trunk_bot_active_chats{period="day"} 1.0' in body
    assert 'trunk_bot_active_chats{period="week"} 2.0' in body
    assert 'trunk_bot_active_chats{period="all"} 3.0' in body


async def test_health_says_ok_while_the_bot_polls_and_503_once_it_stopped(
        metrics_server: MetricsServer, alive: Alive) -> None:
    assert (await fetch(metrics_server, "/health"))[0] == 200
    alive.alive = False
    status, _, body = await fetch(metrics_server, "/health")
    assert status == 503 and "stale" in body


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_retries_in_transit_and_429s_are_counted_with_the_wait_asked_for() -> None:
    clock = Clock()
    retried = sample("trunk_bot_retries_total", policy="in_transit")
    limited, waited = (sample("trunk_bot_rate_limited_total"),
                       sample("trunk_bot_rate_limited_wait_seconds_total"))
    call = Flaky(NetworkError("Bad Gateway"), RetryAfter(0), NetworkError("dropped"))
    assert await through_limiter(RetryingRateLimiter(sleep=clock.sleep), call) == {"ok": True}
    assert sample("trunk_bot_retries_total", policy="in_transit") == retried + 2
    assert sample("trunk_bot_rate_limited_total") == limited + 1
    assert sample("trunk_bot_rate_limited_wait_seconds_total") == waited  # it asked for 0 s


def test_a_message_kind_telegram_adds_later_is_counted_as_other() -> None:
    assert metrics.event_label(Unsupported("giveaway")) == "other"
    assert metrics.event_label(Unsupported("sticker")) == "sticker"
