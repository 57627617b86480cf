"""Photos as Telegram keeps them: an upload becomes a file with a file_id the bot may send
again (in any chat), a file_id Telegram does not hold is refused, and what a user sees is a
list of sizes of the one picture.

Only PNG and JPEG are read (the size is taken from the header); anything else is refused as
Telegram refuses an image it cannot process.
"""

from __future__ import annotations

import hashlib
import struct
from typing import Any

from .errors import bad_request
from .state import StoredFile, World
from .validate import FilePart

MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_SIDE_SUM = 10_000  # "The photo's width and height must not exceed 10000 in total"
MAX_RATIO = 20
SIZES = (90, 320, 800, 1280)  # the longest side of the sizes Telegram makes of a photo
WRONG_FILE = "wrong file identifier/HTTP URL specified"


def image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG or JPEG, or None if it is neither."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data.startswith(b"\xff\xd8"):
        index = 2
        while index + 9 < len(data):
            marker, length = data[index + 1], struct.unpack(">H", data[index + 2:index + 4])[0]
            if marker in (0xC0, 0xC1, 0xC2):
                height, width = struct.unpack(">HH", data[index + 5:index + 9])
                return int(width), int(height)
            index += 2 + length
    return None


class Photos:
    """The photo files of one bot."""

    def __init__(self, world: World) -> None:
        self.world = world

    def resolve(self, value: object, attached: dict[str, Any]) -> StoredFile:
        """The photo a sendPhoto `photo` or an InputMediaPhoto `media` names: an upload (also
        as attach://name), or a file_id Telegram holds; anything else is Telegram's 400."""
        if isinstance(value, str) and value.startswith("attach://"):
            value = attached.get(value)
            if value is None:
                raise bad_request("can't find the attached file")
        if isinstance(value, FilePart):
            return self._upload(value)
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            raise bad_request("photos by URL are not implemented by FakeTelegram")
        stored = self.world.files.get(str(value))
        if stored is None or stored.kind != "photo":
            raise bad_request(WRONG_FILE)
        return stored

    def _upload(self, part: FilePart) -> StoredFile:
        if len(part.data) > MAX_PHOTO_BYTES:
            raise bad_request("PHOTO_TOO_BIG")
        size = image_size(part.data)
        if size is None:
            raise bad_request("IMAGE_PROCESS_FAILED")
        width, height = size
        if width + height > MAX_SIDE_SUM or max(width, height) > MAX_RATIO * min(width, height):
            raise bad_request("PHOTO_INVALID_DIMENSIONS")
        digest = hashlib.sha256(part.data).hexdigest()[:12]
        group = f"{len(self.world.uploads) + 1}-{digest}"
        longest = max(width, height)
        sizes = []
        for side in [s for s in SIZES if s < longest] + [min(longest, SIZES[-1])]:
            scale = side / longest
            sized_width, sized_height = max(1, round(width * scale)), max(1, round(height * scale))
            sizes.append(StoredFile(f"fake-photo-{group}-{side}", f"uph{group}{side}", "photo",
                                    sized_width, sized_height,
                                    len(part.data) * sized_width // width, group))
        for sized in sizes:
            self.world.files[sized.file_id] = sized
        self.world.uploads.append(sizes[-1])
        return sizes[-1]

    def sizes_json(self, stored: StoredFile) -> list[dict[str, Any]]:
        """The `photo` field of a Message: PhotoSize objects of one photo, smallest first."""
        sizes = sorted((f for f in self.world.files.values() if f.group == stored.group),
                       key=lambda f: f.width) or [stored]
        return [{"file_id": f.file_id, "file_unique_id": f.file_unique_id, "width": f.width,
                 "height": f.height, "file_size": f.size} for f in sizes]

    def forget_all(self) -> None:
        """Telegram no longer knows any file_id the bot holds (another bot's, or expired)."""
        self.world.files.clear()
