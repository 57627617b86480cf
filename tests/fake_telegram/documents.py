"""Documents as Telegram keeps them: an upload becomes a file with a file_id the bot may send
again, a file_id Telegram does not hold is refused, an empty file is refused, and a URL is
fetched by Telegram (here: taken on trust). "Bots can currently send files of any type of up
to 50 MB in size."
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import ApiError, bad_request
from .validate import FilePart

MAX_DOCUMENT_BYTES = 50 * 1024 * 1024
WRONG_FILE = "wrong file identifier/HTTP URL specified"


@dataclass(frozen=True)
class StoredDocument:
    """A file the bot uploaded as a document, under the file_id Telegram gave it."""

    file_id: str
    file_unique_id: str
    file_name: str
    mime_type: str | None
    data: bytes

    def json(self) -> dict[str, Any]:
        """A Document object."""
        body: dict[str, Any] = {"file_id": self.file_id, "file_unique_id": self.file_unique_id,
                                "file_name": self.file_name, "file_size": len(self.data)}
        if self.mime_type:
            body["mime_type"] = self.mime_type
        return body


class Documents:
    """The document files of one bot."""

    def __init__(self) -> None:
        self.files: dict[str, StoredDocument] = {}

    def resolve(self, value: object) -> StoredDocument:
        """The document a sendDocument `document` names, or Telegram's 400 (413 for > 50 MB)."""
        if isinstance(value, FilePart):
            if not value.data:
                raise bad_request("file must be non-empty")
            if len(value.data) > MAX_DOCUMENT_BYTES:
                raise ApiError(413, "Request Entity Too Large")
            return self._store(value.filename or "document", value.content_type, value.data)
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            return self._store(value.rsplit("/", 1)[-1] or "file", None, b"")
        stored = self.files.get(str(value))
        if stored is None:
            raise bad_request(WRONG_FILE)
        return stored

    def _store(self, name: str, mime_type: str | None, data: bytes) -> StoredDocument:
        number = len(self.files) + 1
        stored = StoredDocument(f"fake-document-{number}", f"udoc{number}", name, mime_type, data)
        self.files[stored.file_id] = stored
        return stored
