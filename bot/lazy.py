"""A package's public names, each imported from its module when first used (PEP 562).

The bot polls Telegram before it builds the conversation (bot/telegram/wiring/runner.py), so
that a restart is back on the line in the time a bare python-telegram-bot bot takes. A package
`__init__` importing all its modules would load the dialog, the knowledge's schemas and the
matcher on the way to the first getUpdates, for a name from one light module.

A lazy `__init__` lists its public names once, as `from module import Name as Name` under
`if TYPE_CHECKING:`, which is what mypy and a reader see; `exports` reads that block from the
file, so the names and where they live cannot drift apart:

    if TYPE_CHECKING:
        from bot.dialog.conversation import Conversation as Conversation
    else:
        __all__, __getattr__, __dir__ = exports(__name__, __file__)
"""

from __future__ import annotations

import ast
import importlib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any


def exports(package: str, init_file: str
            ) -> tuple[list[str], Callable[[str], Any], Callable[[], list[str]]]:
    """`__all__`, the module `__getattr__` and `__dir__` for `package`, from its
    TYPE_CHECKING imports."""
    where = declared_exports(package, init_file)

    def __getattr__(name: str) -> Any:
        if name not in where:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module, attribute = where[name]
        value = (importlib.import_module(f"{package}.{attribute}") if module == package
                 else getattr(importlib.import_module(module), attribute))
        setattr(sys.modules[package], name, value)  # the next use is a plain attribute
        return value

    def __dir__() -> list[str]:
        return sorted({*vars(sys.modules[package]), *where})

    return sorted(where), __getattr__, __dir__


def declared_exports(package: str, init_file: str) -> dict[str, tuple[str, str]]:
    """Public name -> (module, attribute): a submodule exported by name (`from package import
    module as module`) has the package itself as its module."""
    tree = ast.parse(Path(init_file).read_text(encoding="utf-8"), init_file)
    where: dict[str, tuple[str, str]] = {}
    for node in tree.body:
        if not (isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"):
            continue
        for statement in node.body:
            if (not isinstance(statement, ast.ImportFrom) or statement.module is None
                    or statement.level != 0):
                raise TypeError(f"{init_file}: only `from module import Name as Name`, the "
                                "module named in full, may stand under TYPE_CHECKING in a "
                                "lazy package")
            for alias in statement.names:
                where[alias.asname or alias.name] = (statement.module, alias.name)
    if not where:
        raise TypeError(f"{init_file}: no TYPE_CHECKING imports to export")
    return where
