"""deploy/: the alert rules and the Grafana dashboard name only metrics (and label values)
that a real bot's /metrics serves, and the compose file's Prometheus scrapes every replica
where it serves them."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import yaml

from bot.cli.startup import Loaded
from bot.telegram.wiring import Runner
from tests.e2e.conftest import ROOT, chats_of
from tests.e2e.test_operators import ADMIN, fetch, settings_for
from tests.fake_telegram import FakeTelegram

DEPLOY = ROOT / "deploy"
SELECTOR = re.compile(r"\b((?:trunk_bot|process)_[a-z0-9_]+)\b(?:\{([^}]*)\})?")
MATCHER = re.compile(r'(\w+)\s*=\s*"([^"]*)"')
TARGET_LABELS = {"job", "instance"}  # added by Prometheus when it scrapes, not by the bot


def expressions() -> dict[str, str]:
    """Where each PromQL expression of deploy/ is, and the expression."""
    found = {}
    for group in yaml.safe_load((DEPLOY / "alerts.yml").read_text())["groups"]:
        for rule in group["rules"]:
            found[f"alerts.yml {rule['alert']}"] = rule["expr"]
    dashboard = json.loads((DEPLOY / "grafana-dashboard.json").read_text())
    for panel in dashboard["panels"]:
        for target in panel["targets"]:
            found[f"dashboard {panel['title']} {target['refId']}"] = target["expr"]
    return found


def served(body: str) -> dict[str, list[dict[str, str]]]:
    """Metric name -> the label sets of its samples, from the text exposition format."""
    samples: dict[str, list[dict[str, str]]] = {}
    for line in body.splitlines():
        if line and not line.startswith("#"):
            name, _, rest = line.partition("{")
            labels = dict(MATCHER.findall(rest.partition("}")[0])) if rest else {}
            samples.setdefault(name.split()[0], []).append(labels)
    return samples


@pytest.fixture
async def metrics_body(server: FakeTelegram, loaded: Loaded, tmp_path: Path
                       ) -> AsyncIterator[str]:
    server.add_chat(ADMIN)  # settings_for makes it an admin, who has written to the bot
    runner = Runner(settings_for(server, tmp_path / "data", metrics_port=0),
                    chats_of(loaded), long_poll_seconds=1)
    await runner.start()
    try:
        assert runner.metrics_server is not None
        status, body = await fetch(f"http://127.0.0.1:{runner.metrics_server.port}/metrics")
        assert status == 200
        yield body
    finally:
        await runner.stop()


async def test_every_metric_the_alerts_and_the_dashboard_name_is_served(metrics_body: str
                                                                       ) -> None:
    samples = served(metrics_body)
    named = set()
    for where, expression in expressions().items():
        selectors = SELECTOR.findall(expression)
        assert selectors or "up{" in expression, f"{where} names no metric of the bot"
        for name, matchers in selectors:
            assert name in samples, f"{where}: {name} is not in /metrics"
            named.add(name)
            for label, value in MATCHER.findall(matchers):
                if label not in TARGET_LABELS:
                    assert any(s.get(label) == value for s in samples[name]), (
                        f"{where}: no {name} sample has {label}={value!r}")
    assert len(named) >= 10, sorted(named)


def test_prometheus_scrapes_every_replica_where_it_serves_metrics() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    config = yaml.safe_load((DEPLOY / "prometheus.yml").read_text())
    replicas = {name: service for name, service in compose.items()
                if "TELEGRAM_BOT_TOKEN" in service.get("environment", {})}
    assert len(replicas) == 2
    targets = [t for job in config["scrape_configs"] for c in job["static_configs"]
               for t in c["targets"]]
    assert sorted(targets) == sorted(f"{name}:{service['environment']['METRICS_PORT']}"
                                     for name, service in replicas.items())
    assert all(s["environment"]["METRICS_LISTEN"] == "0.0.0.0" for s in replicas.values())
    mounts = dict(volume.split(":")[:2] for volume in compose["prometheus"]["volumes"]
                  if volume.startswith("./"))
    assert mounts["./deploy/alerts.yml"] in config["rule_files"]
    assert mounts["./deploy/prometheus.yml"] == "/etc/prometheus/prometheus.yml"
