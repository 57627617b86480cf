"""Tells the poller which updates ended without their reply reaching Telegram.

The framework routes a handler's exception to the error handler and carries on, so the
poller cannot see from process_update whether the owner got an answer. Handlers note the
updates whose delivery failed; the poller asks, and handles those again after a pause rather
than confirming them as done.
"""

from __future__ import annotations


class HandlingOutcome:
    def __init__(self) -> None:
        self._undelivered: set[int] = set()

    def note_undelivered(self, update_id: int) -> None:
        self._undelivered.add(update_id)

    def delivery_failed(self, update_id: int) -> bool:
        """Whether the last handling of this update failed to deliver; forgets the answer."""
        if update_id in self._undelivered:
            self._undelivered.discard(update_id)
            return True
        return False
