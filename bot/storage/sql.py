"""The seam between the SQL every backend shares (tables.py, records.py) and the backends.

Every table is read and written by one copy of its statements, so SQLite and PostgreSQL keep
the same rows, count the same way, and /forget and the retention period delete the same
things. A backend provides only an `Sql`: how a statement reaches its database (sqlite.py: the
file's one connection; postgres.py: a pool, PostgreSQL's placeholders, riding out an outage).
The statements are plain enough for both: `?` placeholders, BIGINT ids, DOUBLE PRECISION
times, INSERT ... ON CONFLICT, and JSON written as text and read back through CAST(... AS
TEXT), which is what a TEXT column holds on SQLite and a JSONB one gives on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

Row = tuple[Any, ...]


class Sql(Protocol):
    """How a backend runs a statement written with `?` placeholders (and no other `?`)."""

    async def execute(self, statement: str, values: Sequence[object] = (), *,
                      adds: bool = False) -> None:
        """`adds`: the statement adds (a count, a row), so running it twice would count
        twice. A backend that tries failed statements again must not try this one again once
        it may have reached the database (a connection dropped after the commit leaves that
        unknown): it runs at most once, and its failure is raised to the caller."""
        ...

    async def fetch(self, statement: str, values: Sequence[object] = ()) -> list[Row]: ...

    async def in_one_transaction(self, statements: Sequence[str], value: object) -> None:
        """Each statement with the one value, all in one transaction."""
        ...
