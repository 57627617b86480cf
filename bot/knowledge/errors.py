"""Errors that tell whoever edits the YAML exactly where to look."""

from __future__ import annotations


class KnowledgeError(Exception):
    """A knowledge file is wrong: says which file, entry and field, and what would be valid."""

    def __init__(self, file: str, entry: str | None, field: str | None, problem: str) -> None:
        self.file = file
        self.entry = entry
        self.field = field
        self.problem = problem
        where = [file]
        if entry is not None:
            where.append(f"entry '{entry}'")
        if field is not None:
            where.append(f"field '{field}'")
        super().__init__(f"{', '.join(where)}: {problem}")
