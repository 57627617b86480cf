"""The pictures the running bot shows: PNGs drawn at build time (drawing.py), read from
knowledge/pictures/drawn/ when first shown, never rendered here."""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass
from pathlib import Path

from bot.knowledge import LANGUAGES, Knowledge, KnowledgeError


@dataclass(frozen=True)
class Rendering:
    """One picture in one language, as PNG."""

    name: str
    language: str
    png: bytes
    width: int
    height: int

    @property
    def filename(self) -> str:
        return f"{self.name}.{self.language}.png"


class Gallery:
    """A picture is uploaded to Telegram once and sent by file_id after that
    (bot/telegram/outbound/photos.py), so its PNG is read only for that upload: nothing is
    kept in memory but each picture's key."""

    def __init__(self, knowledge: Knowledge) -> None:
        """Raises KnowledgeError naming a drawn PNG that is missing."""
        self._drawn = {(name, language): picture.drawn[language]
                       for name, picture in knowledge.pictures.items() for language in LANGUAGES}
        for (name, language), path in self._drawn.items():
            if not path.is_file():
                raise KnowledgeError("knowledge/pictures.yaml", name, f"drawn.{language}",
                                     f"{path.parent.name}/{path.name} is missing; draw it: "
                                     "python -m bot pictures knowledge/pictures/drawn")
        self._keys: dict[tuple[str, str], str] = {}

    def key(self, name: str, language: str) -> str:
        """Names what the PNG shows: a picture drawn anew in any way is a new key, so
        Telegram's copy of the old one is never reused for it."""
        key = self._keys.get((name, language))
        if key is None:
            digest = hashlib.sha256(self._drawn[(name, language)].read_bytes()).hexdigest()
            key = self._keys[(name, language)] = f"{name}.{language}.{digest[:12]}"
        return key

    def get(self, name: str, language: str) -> Rendering:
        png = self._drawn[(name, language)].read_bytes()
        width, height = png_size(png)
        return Rendering(name, language, png, width, height)

    def __len__(self) -> int:
        return len(self._drawn)

    def save(self, name: str, language: str, directory: Path) -> Path:
        """One PNG into `directory`, unless it is there already as it is now."""
        rendering = self.get(name, language)
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / rendering.filename
        if not path.exists() or path.read_bytes() != rendering.png:
            path.write_bytes(rendering.png)
        return path


def png_size(png: bytes) -> tuple[int, int]:
    width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk, right after the header
    return int(width), int(height)
