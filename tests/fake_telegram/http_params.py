"""Reads a Bot API request's parameters the way Telegram accepts them.

Query string, application/x-www-form-urlencoded, multipart/form-data (what
python-telegram-bot sends; nested objects are JSON text) and application/json bodies.
Form values stay text, JSON values stay typed; validate.py interprets both.
"""

from __future__ import annotations

import json

from aiohttp import web

from .errors import bad_request
from .validate import FilePart

_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


async def read_params(request: web.Request) -> tuple[dict[str, object], dict[str, FilePart]]:
    """All parameters of the request, and the files other parameters attach by name
    (attach://name); a 400 if the body cannot be decoded."""
    params: dict[str, object] = dict(request.query)
    if not request.body_exists:
        return params, {}
    if request.content_type == "application/json":
        params.update(await _json_body(request))
    elif request.content_type in _FORMS:
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, web.FileField):
                params[key] = FilePart(value.filename, value.content_type, value.file.read())
            else:
                params[key] = value if isinstance(value, str) else value.decode()
    return params, _attached_parts(params)


async def _json_body(request: web.Request) -> dict[str, object]:
    raw = await request.read()
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except ValueError:
        raise bad_request("can't parse JSON object") from None
    if not isinstance(body, dict):
        raise bad_request("the JSON body must be an object")
    return body


def _attached_parts(params: dict[str, object]) -> dict[str, FilePart]:
    """Files referenced as attach://name (anywhere in a parameter, as in InputMedia's JSON)
    are part of that parameter, not parameters: taken out of `params` and returned."""
    attached: dict[str, FilePart] = {}
    for name, value in list(params.items()):
        if isinstance(value, FilePart) and any(
            isinstance(other, str) and f"attach://{name}" in other for other in params.values()
        ):
            attached[name] = value
            del params[name]
    return attached
