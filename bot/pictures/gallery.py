"""Every picture in every language, rendered once and checked for a phone.

A drawing must read at arm's length on a phone in a car park: at least MIN_WIDTH pixels wide
and no label under MIN_LABEL_PX pixels high as rendered. `python -m bot check` renders the
gallery, so a drawing that breaks either rule, or cannot be rendered, fails there.
"""

from __future__ import annotations

import hashlib
import struct
import time
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import resvg_py

from bot.knowledge import LANGUAGES, Knowledge, KnowledgeError
from bot.knowledge.loader import LABEL_ATTRIBUTE
from bot.knowledge.model import Picture
from bot.pictures.drawing import labelled_svg, render_png

MIN_WIDTH = 800  # px: Telegram shows a photo up to the screen's width; narrower gets blurry
MIN_LABEL_PX = 24  # px of font size as rendered


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
    """Renders a picture the first time it is asked for, so starting the bot renders none
    (rendering is slow beside a reply; `bot check` prints what it took); `render_all` does
    them all at once, as `check` does."""

    def __init__(self, knowledge: Knowledge) -> None:
        self._pictures = knowledge.pictures
        self._svgs = {(name, language): labelled_svg(picture, language)
                      for name, picture in knowledge.pictures.items() for language in LANGUAGES}
        self._renderings: dict[tuple[str, str], Rendering] = {}
        self.seconds = 0.0  # time spent rendering so far

    @classmethod
    def render_all(cls, knowledge: Knowledge) -> Gallery:
        """Every picture in every language, rendered and checked; KnowledgeError names the
        drawing and label that fail."""
        gallery = cls(knowledge)
        for name, language in gallery._svgs:
            gallery.get(name, language)
        return gallery

    def key(self, name: str, language: str) -> str:
        """Names what the PNG shows without rendering it: a drawing or label changed in any
        way is a new key, so Telegram's copy of the old one is never reused for it."""
        source = f"{resvg_py.__resvg_version__}\n{self._svgs[(name, language)]}"
        return f"{name}.{language}.{hashlib.sha256(source.encode()).hexdigest()[:12]}"

    def get(self, name: str, language: str) -> Rendering:
        rendering = self._renderings.get((name, language))
        if rendering is None:
            started = time.perf_counter()
            rendering = _render(self._pictures[name], language, self._svgs[(name, language)])
            self.seconds += time.perf_counter() - started
            self._renderings[(name, language)] = rendering
        return rendering

    def __iter__(self) -> Iterator[Rendering]:
        return (self.get(name, language) for name, language in self._svgs)

    def __len__(self) -> int:
        return len(self._svgs)

    def write(self, directory: Path) -> dict[tuple[str, str], Path]:
        """Every PNG into `directory` (created if need be), as name.language.png."""
        return {key: self.save(*key, directory) for key in self._svgs}

    def save(self, name: str, language: str, directory: Path) -> Path:
        """One PNG into `directory`, unless it is there already as it is now."""
        rendering = self.get(name, language)
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / rendering.filename
        if not path.exists() or path.read_bytes() != rendering.png:
            path.write_bytes(rendering.png)
        return path


def _render(picture: Picture, language: str, svg: str) -> Rendering:
    file = "knowledge/pictures.yaml"
    try:
        png = render_png(svg)
    except Exception as error:  # resvg's own complaint, whatever its type
        raise KnowledgeError(file, picture.name, None, f"cannot be rendered: {error}") from None
    width, height = _png_size(png)
    if width < MIN_WIDTH:
        raise KnowledgeError(file, picture.name, "width", f"renders {width} px wide; make it "
                             f"at least {MIN_WIDTH} (the svg element's width)")
    for label, size in _label_sizes(picture.svg, width):
        if size < MIN_LABEL_PX:
            raise KnowledgeError(file, picture.name, f"labels.{label}", f"renders {size:.0f} px "
                                 f"high; a phone needs at least {MIN_LABEL_PX} (font-size)")
    return Rendering(picture.name, language, png, width, height)


def _png_size(png: bytes) -> tuple[int, int]:
    width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk, right after the header
    return int(width), int(height)


def _label_sizes(svg: str, rendered_width: int) -> Iterator[tuple[str, float]]:
    """Each label's font size in rendered pixels (the nearest font-size up the tree)."""
    root = ElementTree.fromstring(svg)
    view_box = root.attrib.get("viewBox", "").replace(",", " ").split()
    drawn_width = float(view_box[2]) if len(view_box) == 4 else rendered_width
    scale = rendered_width / drawn_width
    parents = {child: parent for parent in root.iter() for child in parent}
    for element in root.iter():
        label = element.attrib.get(LABEL_ATTRIBUTE)
        if label is None:
            continue
        node: ElementTree.Element | None = element
        size = None
        while node is not None and size is None:
            size = node.attrib.get("font-size")
            node = parents.get(node)
        yield label, float(size or 0) * scale
