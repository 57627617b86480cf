"""One drawing in one language: its labels filled in, then rendered to PNG by resvg.

Labels are data, not part of the drawing: each `<text data-label="id">` gets the text of
`labels.id` in knowledge/pictures.yaml, so a drawing is made once and a second language is a
YAML edit. A label with line breaks becomes one `<tspan>` a line, under the first.

Fonts: the DejaVu Sans files in fonts/ (Latin and Cyrillic) and no system font, so a PNG is
the same on a laptop, in CI and in a slim container that has no fonts at all.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from pathlib import Path

import resvg_py

from bot.knowledge.loader import LABEL_ATTRIBUTE
from bot.knowledge.model import Picture

SVG_NAMESPACE = "http://www.w3.org/2000/svg"
FONTS = Path(__file__).resolve().parent / "fonts"
FONT_FAMILY = "DejaVu Sans"
LINE_HEIGHT = 1.2  # em: the gap between the lines of one label

ElementTree.register_namespace("", SVG_NAMESPACE)


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
