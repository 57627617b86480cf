"""The drawings: knowledge/pictures/*.svg with their labels in each language, as PNG.

`gallery.py` is what the running bot uses: the PNGs drawn at build time, read when first
shown. `drawing.py` draws them (resvg, with the fonts shipped beside it, so a PNG looks the
same on every machine) and checks each is legible on a phone; `python -m bot check`,
`python -m bot pictures` and the tests import it from there, so the bot never loads resvg.
"""

from bot.pictures.gallery import Gallery, Rendering

__all__ = ["Gallery", "Rendering"]
