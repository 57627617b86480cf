"""What no output may show, and the one place it is taken out of a text.

Every log line (bot/monitoring/logs.py's formatter), every error printed on the way out
(bot/cli) and every mention of the database passes through here. A database URL is never
echoed: `database_address` shows its scheme, host, port and database, and nothing else.

A password may sit in the URL's user part or in its query string (`password=`), and may
hold characters a URL parser reads as structure (`#`, `?`, `/`, `@`), so two readings are
taken: libpq's own (what the driver will use) and one where the user part runs to the last
`@`. A part of the address is shown only where both agree and it looks like a host, a port
or a database name; a password that moved a boundary cannot then be shown as one of them.
`url_secrets` lists what could be the password under either reading, as written and
decoded, for the redactor to take out wherever it turns up.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable, Mapping
from urllib.parse import unquote, unquote_plus

MASK = "***"
HIDDEN = "…"  # in place of an address that cannot be shown safely
SCHEMES = ("postgresql", "postgres")

_HOST = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,252}|[0-9A-Fa-f:.]{2,45}")
_PORT = re.compile(r"[0-9]{1,5}")
_DATABASE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.$-]{0,62}")
_QUERY_PASSWORD = re.compile(r"[?&]password=([^&]*)")


class Redactor:
    """Replaces each secret in a text with ***. Where secrets overlap (two readings of one
    URL may cut the password differently), their union goes, so no end of one is left."""

    def __init__(self, secrets: Iterable[str]) -> None:
        self._secrets = {s for s in secrets if s}

    def __call__(self, text: str) -> str:
        spans = sorted((at, at + len(secret)) for secret in self._secrets
                       for at in _occurrences(text, secret))
        shown, end = [], 0
        for start, stop in spans:
            if start > end:
                shown += [text[end:start], MASK]
            elif not shown:
                shown.append(MASK)
            end = max(end, stop)
        return "".join(shown) + text[end:] if spans else text


def _occurrences(text: str, secret: str) -> Iterable[int]:
    at = text.find(secret)
    while at >= 0:
        yield at
        at = text.find(secret, at + 1)


def secrets_in(token: str | None, webhook_secret: str | None, database_url: str | None
               ) -> list[str]:
    """What no output may show: the bot token, the webhook secret, the database password."""
    database = url_secrets(database_url) if database_url else []  # libpq only if there is one
    return [s for s in (token, webhook_secret, *database) if s]


def environment_secrets(env: Mapping[str, str] = os.environ) -> list[str]:
    """The same, read from the environment as it is, for an error before settings exist."""
    return secrets_in(env.get("TELEGRAM_BOT_TOKEN"), env.get("WEBHOOK_SECRET"),
                      env.get("DATABASE_URL"))


def print_error(message: str, secrets: Iterable[str]) -> None:
    """An error printed on the way out (stderr), through the same redactor as the log."""
    print(Redactor(secrets)(message), file=sys.stderr)


def url_secrets(url: str) -> list[str]:
    """Whatever could be the URL's password, under either reading, as written and decoded."""
    _, separator, rest = url.partition("://")
    if not separator:
        rest = url  # not a URL at all: what follows a ':' may still be a password
    written: list[str] = []
    for user_part in {_user_part_libpq(rest), _user_part_greedy(rest)}:
        if user_part is not None:
            written.append(user_part.partition(":")[2])
    for found in _QUERY_PASSWORD.finditer(url):
        written += [found.group(1), url[found.start(1):]]  # to the '&', and to the end
    parsed = libpq_reading(url)
    decoded = [parsed.get("password", "")] if parsed else []
    return [s for s in {*written, *map(unquote, written), *map(unquote_plus, written),
                        *decoded} if s]


def database_address(url: str) -> str:
    """scheme://host:port/database, each part shown only where it is certainly not a piece
    of the password; what cannot be shown is left out."""
    scheme, separator, rest = url.partition("://")
    if not separator or scheme.lower() not in SCHEMES:
        return f"({HIDDEN} not shown: not a postgresql:// URL, and it may hold a password)"
    parsed = libpq_reading(url)
    greedy = _address(_after_user_part(rest, _user_part_greedy(rest)))
    if parsed is None:
        return f"{scheme}://{HIDDEN}"
    host, port, database = (parsed.get(key, "") for key in ("host", "port", "dbname"))
    shown_host = host if host == greedy[0] and is_host(host) else HIDDEN if host else ""
    address = f"{scheme}://[{shown_host}]" if ":" in shown_host else f"{scheme}://{shown_host}"
    if port and port == greedy[1] and _PORT.fullmatch(port):
        address += f":{port}"
    if database and database == greedy[2] and _DATABASE.fullmatch(database):
        address += f"/{database}"
    return address


def is_host(text: str) -> bool:
    """A host name, an IPv4 or an IPv6 address (as libpq gives it, without brackets)."""
    return _HOST.fullmatch(text) is not None


def libpq_reading(url: str) -> dict[str, str] | None:
    """The URL as libpq reads it (its own parser, through psycopg); None if it cannot, or if
    psycopg is not installed (the postgres extra: config.py stops a DATABASE_URL then)."""
    try:
        import psycopg
        from psycopg.conninfo import conninfo_to_dict
    except ImportError:
        return None

    try:
        return {key: str(value) for key, value in conninfo_to_dict(url).items()}
    except (psycopg.Error, ValueError):  # ValueError: %-escapes that are not UTF-8
        return None


def _user_part_libpq(rest: str) -> str | None:
    """libpq's reading: the user part ends at the first '@' that comes before any '/'."""
    at, slash = rest.find("@"), rest.find("/")
    return rest[:at] if at >= 0 and (slash < 0 or at < slash) else None


def _user_part_greedy(rest: str) -> str | None:
    """The other reading: the user part runs to the last '@', wherever it is."""
    at = rest.rfind("@")
    return rest[:at] if at >= 0 else None


def _after_user_part(rest: str, user_part: str | None) -> str:
    return rest if user_part is None else rest[len(user_part) + 1:]


def _address(text: str) -> tuple[str, str, str]:
    """(host, port, database) of what follows the user part: host[:port][/database][?...]."""
    address = text.partition("?")[0]
    host_port, _, database = address.partition("/")
    if host_port.startswith("["):  # an IPv6 address: [::1]:5432
        host, _, after = host_port[1:].partition("]")
        return host, after.removeprefix(":"), unquote(database)
    host, _, port = host_port.partition(":")
    return unquote(host), port, unquote(database)
