"""Drawing the pictures, at build time: each drawing's labels filled in per language, rendered
to PNG by resvg, and checked for a phone.

Labels are data, not part of the drawing: each `<text data-label="id">` gets the text of
`labels.id` in knowledge/pictures.yaml, so a drawing is made once and a second language is a
YAML edit. A label with line breaks becomes one `<tspan>` a line, under the first.

A drawing must read at arm's length on a phone in a car park: at least MIN_WIDTH pixels wide
and no label under MIN_LABEL_PX pixels high as rendered.

The PNGs are drawn here, once, into knowledge/pictures/drawn/ (`python -m bot pictures
knowledge/pictures/drawn`) and kept in the repository beside the drawings, as the classifiers
are kept beside their examples: resvg holds the interpreter for the whole of a render, which
in the running bot would stall every chat at once, so the bot only reads the files
(gallery.py). `python -m bot check` draws them all again and fails on any that is not
today's, or that breaks a rule above.

Fonts: the DejaVu Sans files in fonts/ (Latin and Cyrillic) and no system font, so a PNG is
the same on a laptop, in CI and in a slim container that has no fonts at all.
"""

from __future__ import annotations

import time
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import resvg_py

from bot.knowledge import LANGUAGES, Knowledge, KnowledgeError
from bot.knowledge.loader import LABEL_ATTRIBUTE
from bot.knowledge.model import Picture
from bot.pictures.gallery import Rendering, png_size

SVG_NAMESPACE = "http://www.w3.org/2000/svg"
FONTS = Path(__file__).resolve().parent / "fonts"
FONT_FAMILY = "DejaVu Sans"
LINE_HEIGHT = 1.2  # em: the gap between the lines of one label
MIN_WIDTH = 800  # px: Telegram shows a photo up to the screen's width; narrower gets blurry
MIN_LABEL_PX = 24  # px of font size as rendered
REDRAW = "python -m bot pictures knowledge/pictures/drawn"

ElementTree.register_namespace("", SVG_NAMESPACE)


@dataclass(frozen=True)
class Drawn:
    """Every picture in every language, drawn now, and what that took."""

    renderings: tuple[Rendering, ...]
    seconds: float

    def stale(self, knowledge: Knowledge) -> list[str]:
        """The files under knowledge/pictures/drawn that are missing or not as drawn now."""
        stale = []
        for rendering in self.renderings:
            path = knowledge.pictures[rendering.name].drawn[rendering.language]
            if not path.exists() or path.read_bytes() != rendering.png:
                stale.append(f"{path.parent.name}/{path.name}")
        return stale

    def write(self, directory: Path) -> list[Path]:
        """Every PNG into `directory` (created if need be), as name.language.png; a file
        already as drawn is left as it is."""
        directory.mkdir(parents=True, exist_ok=True)
        paths = []
        for rendering in self.renderings:
            path = directory / rendering.filename
            if not path.exists() or path.read_bytes() != rendering.png:
                path.write_bytes(rendering.png)
            paths.append(path)
        return paths


def draw_all(knowledge: Knowledge) -> Drawn:
    """Raises KnowledgeError naming the drawing and label that cannot be drawn or would not
    read on a phone."""
    started = time.perf_counter()
    renderings = tuple(draw(picture, language) for picture in knowledge.pictures.values()
                       for language in LANGUAGES)
    return Drawn(renderings, time.perf_counter() - started)


def draw(picture: Picture, language: str) -> Rendering:
    file = "knowledge/pictures.yaml"
    try:
        png = render_png(labelled_svg(picture, language))
    except Exception as error:  # resvg's own complaint, whatever its type
        raise KnowledgeError(file, picture.name, None, f"cannot be rendered: {error}") from None
    width, height = png_size(png)
    if width < MIN_WIDTH:
        raise KnowledgeError(file, picture.name, "width", f"renders {width} px wide; make it "
                             f"at least {MIN_WIDTH} (the svg element's width)")
    for label, size in label_sizes(picture.svg, width):
        if size < MIN_LABEL_PX:
            raise KnowledgeError(file, picture.name, f"labels.{label}", f"renders {size:.0f} px "
                                 f"high; a phone needs at least {MIN_LABEL_PX} (font-size)")
    return Rendering(picture.name, language, png, width, height)


def labelled_svg(picture: Picture, language: str) -> str:
    """The drawing's SVG with every label in `language`."""
    root = ElementTree.fromstring(picture.svg)
    for element in root.iter():
        label = element.attrib.get(LABEL_ATTRIBUTE)
        if label is None:
            continue
        lines = picture.labels[label].in_(language).split("\n")
        for child in list(element):
            element.remove(child)
        element.text = lines[0]
        if len(lines) > 1:
            element.text = None
            x = element.attrib.get("x", "0")
            for number, line in enumerate(lines):
                tspan = ElementTree.SubElement(element, f"{{{SVG_NAMESPACE}}}tspan", x=x)
                tspan.set("dy", "0" if number == 0 else f"{LINE_HEIGHT}em")
                tspan.text = line
    return ElementTree.tostring(root, encoding="unicode")


def render_png(svg: str) -> bytes:
    """PNG bytes at the size the SVG declares (its width and height, in pixels)."""
    return bytes(resvg_py.svg_to_bytes(
        svg_string=svg,
        skip_system_fonts=True,
        font_dirs=[str(FONTS)],
        font_family=FONT_FAMILY,
        sans_serif_family=FONT_FAMILY,
    ))


def label_sizes(svg: str, rendered_width: int) -> Iterator[tuple[str, float]]:
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
