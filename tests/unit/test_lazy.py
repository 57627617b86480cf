"""Packages that export their names lazily (bot/lazy.py): every name resolves to what its
TYPE_CHECKING import says, and the way to the first getUpdates stays free of the heavy parts."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

from bot.lazy import declared_exports

ROOT = Path(__file__).resolve().parents[2]
LAZY = sorted(str(path.parent.relative_to(ROOT)).replace("/", ".")
              for path in (ROOT / "bot").rglob("__init__.py")
              if "exports(__name__, __file__)" in path.read_text(encoding="utf-8"))


def test_the_packages_on_the_way_to_polling_are_lazy() -> None:
    assert {"bot.dialog", "bot.knowledge", "bot.telegram.inbound", "bot.telegram.outbound",
            "bot.telegram.wiring"} <= set(LAZY)


@pytest.mark.parametrize("package", LAZY)
def test_every_exported_name_is_what_its_module_defines(package: str) -> None:
    module = importlib.import_module(package)
    declared = declared_exports(package, str(module.__file__))
    assert set(declared) <= set(dir(module))  # what a REPL's completion offers
    for name, (source, attribute) in declared.items():
        expected = (importlib.import_module(f"{package}.{attribute}") if source == package
                    else getattr(importlib.import_module(source), attribute))
        assert getattr(module, name) is expected, (package, name)
    with pytest.raises(AttributeError):
        module.not_a_name  # noqa: B018


def test_a_relative_import_is_refused_rather_than_read_as_a_top_level_module(
        tmp_path: Path) -> None:
    init = tmp_path / "__init__.py"
    init.write_text("if TYPE_CHECKING:\n    from .model import Entry as Entry\n")
    with pytest.raises(TypeError, match="named in full"):
        declared_exports("somewhere", str(init))


def test_serving_loads_no_dialog_schema_or_matcher_before_polling() -> None:
    """`python -m bot run` parses its arguments (bot.cli.main, which knows every command),
    imports bot.cli.serve, then polls; the rest comes in a thread."""
    loaded = subprocess.run(
        [sys.executable, "-c",
         "import sys, bot.cli.main, bot.cli.serve; print(' '.join(sys.modules))"],
        cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    heavy = {"pydantic", "yaml", "resvg_py", "bot.dialog.conversation", "bot.matching",
             "bot.knowledge.model", "bot.records"}
    assert heavy.isdisjoint(loaded), sorted(heavy & set(loaded))
