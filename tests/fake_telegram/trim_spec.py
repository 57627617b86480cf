"""Re-create the trimmed Bot API spec that the fake server validates requests against.

Usage: python tests/fake_telegram/trim_spec.py /path/to/telegram-bot-api/api.json

Upstream api.json (PaulSonOfLars/telegram-bot-api-spec) describes all 180 methods; the fake
server implements only the methods our bot uses. Keeping the rest would let the validator
accept calls the server cannot answer, so they are cut. Every type reachable from the kept
methods' parameters stays, unchanged, so that nested objects are validated as upstream
describes them. The LICENSE file beside the source is copied too (MIT requires the notice).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
from pathlib import Path
from typing import Any

METHODS: tuple[str, ...] = (
    "getMe",
    "getUpdates",
    "setWebhook",
    "deleteWebhook",
    "getWebhookInfo",
    "sendMessage",
    "sendDocument",
    "sendPhoto",
    "editMessageText",
    "editMessageCaption",
    "editMessageMedia",
    "editMessageReplyMarkup",
    "answerInlineQuery",
    "answerCallbackQuery",
    "setMyCommands",
    "deleteMyCommands",
    "getMyCommands",
    "sendChatAction",
    "close",
    "logOut",
    "setChatMenuButton",
)

_ARRAY = re.compile(r"^(Array of )+")
HERE = Path(__file__).resolve().parent


def _type_names(type_refs: list[str], types: dict[str, Any]) -> list[str]:
    """Object type names inside type references such as "Array of Array of KeyboardButton"."""
    names = (_ARRAY.sub("", ref) for ref in type_refs)
    return [name for name in names if name in types]


def referenced_types(spec: dict[str, Any], methods: tuple[str, ...]) -> set[str]:
    """All types reachable from the methods' parameters, following fields and union members."""
    types: dict[str, Any] = spec["types"]
    pending = [
        name
        for method in methods
        for field in spec["methods"][method].get("fields", [])
        for name in _type_names(field["types"], types)
    ]
    seen: set[str] = set()
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        entry = types[name]
        pending += _type_names(entry.get("subtypes", []), types)
        for field in entry.get("fields", []):
            pending += _type_names(field["types"], types)
    return seen


def trim(spec: dict[str, Any], methods: tuple[str, ...] = METHODS) -> dict[str, Any]:
    """The spec with only `methods` and the types they reference, in upstream order."""
    missing = [method for method in methods if method not in spec["methods"]]
    if missing:
        raise SystemExit(f"methods not in the source spec: {', '.join(missing)}")
    keep = referenced_types(spec, methods)
    return {
        "version": spec["version"],
        "release_date": spec["release_date"],
        "changelog": spec["changelog"],
        "methods": {name: body for name, body in spec["methods"].items() if name in methods},
        "types": {name: body for name, body in spec["types"].items() if name in keep},
    }


def main() -> None:
    """Write api.json (and LICENSE) next to this script from the given upstream api.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="upstream api.json")
    parser.add_argument("--out", type=Path, default=HERE / "api.json")
    args = parser.parse_args()
    source: Path = args.source
    out: Path = args.out
    trimmed = trim(json.loads(source.read_text(encoding="utf-8")))
    out.write_text(json.dumps(trimmed, indent=2) + "\n", encoding="utf-8")
    licence = source.parent / "LICENSE"
    if licence.exists():
        shutil.copyfile(licence, out.parent / "LICENSE")
    print(f"{out}: {len(trimmed['methods'])} methods, {len(trimmed['types'])} types")


if __name__ == "__main__":
    main()
