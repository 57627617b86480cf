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


async def read_params(request: web.Request) -> dict[str, object]:
    """All parameters of the request; a 400 if the body cannot be decoded."""
    params: dict[str, object] = dict(request.query)
    if not request.body_exists:
        return params
    if request.content_type == "application/json":
        params.update(await _json_body(request))
    elif request.content_type in _FORMS:
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, web.FileField):
                params[key] = FilePart(value.filename, value.content_type, value.file.read())
            else:
                params[key] = value if isinstance(value, str) else value.decode()
    _drop_attached_parts(params)
    return params


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


def _drop_attached_parts(params: dict[str, object]) -> None:
    """Files referenced as attach://name are part of another parameter, not parameters."""
    attached = {
        value.removeprefix("attach://")
        for value in params.values()
        if isinstance(value, str) and value.startswith("attach://")
    }
    for name in attached:
        if isinstance(params.get(name), FilePart):
            del params[name]
