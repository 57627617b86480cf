"""Fault injection: which request fails, and how, decided reproducibly.

Failures happen before the method runs (nothing is applied), like a real outage in front
of Telegram, except "drop_after_apply": the method runs and then the answer is lost.
"""

from __future__ import annotations

import random
import time
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Literal, get_args

FaultKind = Literal["500", "502", "429", "drop", "drop_after_apply", "slow"]
FAULT_KINDS: tuple[FaultKind, ...] = get_args(FaultKind)


@dataclass
class _Scripted:
    kind: FaultKind
    method: str | None
    times: int


@dataclass
class Faults:
    """Runtime-configurable faults; all off by default.

    rate: probability (0..1) that a matching request fails with a random one of `kinds`.
    methods: method names the random faults apply to (None: every method).
    retry_after: seconds put in 429 answers; slow_seconds: delay of "slow".
    """

    rate: float = 0.0
    kinds: tuple[FaultKind, ...] = ("500",)
    methods: Collection[str] | None = None
    retry_after: int = 1
    slow_seconds: float = 1.0
    rng: random.Random = field(default_factory=lambda: random.Random(0))
    injected: list[tuple[str, FaultKind]] = field(default_factory=list)
    _scripted: list[_Scripted] = field(default_factory=list)
    _outage_until: float = 0.0
    _outage_kind: FaultKind = "502"

    def seed(self, seed: int) -> None:
        """Restart the random sequence, for reproducible runs."""
        self.rng.seed(seed)

    def inject(self, kind: FaultKind, method: str | None = None, times: int = 1) -> None:
        """Fail the next `times` calls of `method` (any method if None) with `kind`."""
        _check_kind(kind)
        self._scripted.append(_Scripted(kind, method, times))

    def fail_get_updates_for(self, seconds: float, kind: FaultKind = "502") -> None:
        """Every getUpdates fails with `kind` for the next `seconds` seconds (an outage)."""
        _check_kind(kind)
        self._outage_until = time.monotonic() + seconds
        self._outage_kind = kind

    def clear(self) -> None:
        """Switch every fault off (the history in `injected` stays)."""
        self.rate = 0.0
        self.methods = None
        self._scripted.clear()
        self._outage_until = 0.0

    def decide(self, method: str) -> FaultKind | None:
        """The fault for this call of `method`, or None; records what it chose."""
        kind = self._choose(method)
        if kind is not None:
            self.injected.append((method, kind))
        return kind

    def _choose(self, method: str) -> FaultKind | None:
        for scripted in self._scripted:
            if scripted.method in (None, method):
                scripted.times -= 1
                if scripted.times <= 0:
                    self._scripted.remove(scripted)
                return scripted.kind
        if method == "getUpdates" and time.monotonic() < self._outage_until:
            return self._outage_kind
        if self.rate <= 0 or (self.methods is not None and method not in self.methods):
            return None
        if self.rng.random() >= self.rate:
            return None
        for kind in self.kinds:
            _check_kind(kind)
        return self.rng.choice(self.kinds)


def _check_kind(kind: str) -> None:
    if kind not in FAULT_KINDS:
        raise ValueError(f"unknown fault kind {kind!r}; expected one of {FAULT_KINDS}")
