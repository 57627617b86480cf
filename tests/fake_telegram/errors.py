"""The one exception type the fake raises for every error answer Telegram would give."""

from __future__ import annotations


class ApiError(Exception):
    """An error reply in Telegram's shape: HTTP status, error_code and description."""

    def __init__(self, code: int, description: str, *, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after

    def payload(self) -> dict[str, object]:
        """The JSON body Telegram sends for this error."""
        body: dict[str, object] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(reason: str) -> ApiError:
    """A 400 with Telegram's "Bad Request: " prefix, the error the bot can fix."""
    return ApiError(400, f"Bad Request: {reason}")


def unauthorized() -> ApiError:
    """What Telegram answers for a well-formed but wrong token."""
    return ApiError(401, "Unauthorized")


def not_found() -> ApiError:
    """What Telegram answers for an unknown method (or a malformed URL)."""
    return ApiError(404, "Not Found")


def conflict(reason: str) -> ApiError:
    """409: two pollers, or polling while a webhook is set."""
    return ApiError(409, f"Conflict: {reason}")


def forbidden(reason: str) -> ApiError:
    """403: the user blocked the bot and similar."""
    return ApiError(403, f"Forbidden: {reason}")


def too_many_requests(retry_after: int) -> ApiError:
    """Telegram's flood-control answer, which PTB turns into RetryAfter."""
    return ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after)
