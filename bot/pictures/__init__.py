"""The drawings: knowledge/pictures/*.svg with their labels in each language, rendered to PNG.

`drawing.py` fills one drawing's labels and renders it (resvg, with the fonts shipped beside
it, so a PNG looks the same on every machine); `gallery.py` renders every picture in every
language once, checks each is legible on a phone, and hands out the PNGs by name.
"""

from bot.pictures.drawing import labelled_svg, render_png
from bot.pictures.gallery import Gallery, Rendering

__all__ = ["Gallery", "Rendering", "labelled_svg", "render_png"]
