"""The asyncio API: ``fg = await framegate.aio.connect()``, then ``await fg.frame("alice.sales")``…

Everything the synchronous API does (``framegate.connect``) it does the same way: the sync API is
this one run on a background I/O thread. Use this one where a running event loop should do the
waiting (``await`` in a Jupyter cell, an async service).
"""

from __future__ import annotations

import asyncio
import os
import re
import ssl
import threading
import weakref
from collections.abc import AsyncIterator, Sequence
from types import TracebackType
from typing import Any

import pyarrow as pa

from . import _arrow, _display
from ._attachments import ATTACHMENT_HEADER_BYTES, MAX_PART_BYTES, PartWriter
from ._connection import Connection, Notification
from ._types import Event, FrameInfo, FrameList, GatewayInfo, LineageNode, Schema, Version, VersionList, WhoAmI
from .credentials import read_credential
from .errors import ConnectionLost, EventsLost, FramegateError, MethodNotFound, UserNotFound

DEFAULT_URL = "ws://127.0.0.1:7878"
#: Largest window of rows one ``data/window`` call may ask for (protocol/limits.ts).
MAX_WINDOW_ROWS = 100_000

SortSpec = str | Sequence[str] | None


def resolve_url(url: str | None) -> str:
    return url or os.environ.get("FRAMEGATE_URL") or DEFAULT_URL


def resolve_token(url: str, token: str | None) -> str | None:
    """The token: given, else ``FRAMEGATE_TOKEN``, else the one saved for ``url`` (CLI and gateway)."""
    if token:
        return token
    if os.environ.get("FRAMEGATE_TOKEN"):
        return os.environ["FRAMEGATE_TOKEN"]
    saved = read_credential(url)
    return saved.token if saved else None


def _ssl_context(ca: str | os.PathLike[str] | None) -> ssl.SSLContext | None:
    ca = ca or os.environ.get("FRAMEGATE_CA")
    if not ca:
        return None
    context = ssl.create_default_context()
    # Beside the system's certificates, as the CLI's --ca.
    context.load_verify_locations(cafile=os.fspath(ca))
    return context


def sort_keys(sort: SortSpec) -> list[dict[str, Any]] | None:
    """``"amount"``, ``"-amount"`` (descending), ``"amount desc"`` or a list of these."""
    if sort is None:
        return None
    items = [sort] if isinstance(sort, str) else list(sort)
    keys = []
    for item in items:
        text = item.strip()
        match = re.fullmatch(r"(.+?)\s+(asc|desc)", text, re.IGNORECASE)
        if match:
            keys.append({"column": match.group(1), "descending": match.group(2).lower() == "desc"})
        elif text.startswith("-"):
            keys.append({"column": text[1:], "descending": True})
        else:
            keys.append({"column": text, "descending": False})
    return keys


def _source_params(source: dict[str, Any], columns: Sequence[str] | None, sort: SortSpec) -> dict[str, Any]:
    params: dict[str, Any] = {"source": source}
    if columns is not None:
        params["columns"] = list(columns)
    keys = sort_keys(sort)
    if keys:
        params["sort"] = keys
    return params


class _Readable:
    """Rows of a frame version or a query result: windows and whole exports, as Arrow."""

    _gateway: AsyncGateway
    _preview: pa.Table | None

    def _source(self) -> dict[str, Any]:
        raise NotImplementedError

    @property
    def schema(self) -> Schema:
        raise NotImplementedError

    @property
    def row_count(self) -> int:
        raise NotImplementedError

    @property
    def columns(self) -> list[str]:
        return self.schema.names

    def __len__(self) -> int:
        return self.row_count

    async def head(self, n: int = 10, *, offset: int = 0, columns: Sequence[str] | None = None, sort: SortSpec = None) -> pa.Table:
        """The first ``n`` rows (from ``offset``, optionally sorted on the gateway) as a pyarrow Table."""
        if n < 0 or offset < 0:
            raise ValueError("n and offset must not be negative")
        gateway = self._gateway
        pieces: list[pa.Table] = []
        # The gateway caps one window; a bigger head is several windows, fetched in turn.
        while n > 0 or not pieces:
            limit = max(1, min(n, MAX_WINDOW_ROWS))
            params = _source_params(self._source(), columns, sort) | {"offset": offset, "limit": limit}
            result = await gateway._request("data/window", params)
            piece = _arrow.table_from_parts(gateway._conn.take_attachment(result["attachment"]))
            pieces.append(piece if n > 0 else piece.slice(0, 0))
            if n == 0 or piece.num_rows < limit:
                break
            n -= piece.num_rows
            offset += piece.num_rows
        return pieces[0] if len(pieces) == 1 else pa.concat_tables(pieces)

    async def to_arrow(self, *, columns: Sequence[str] | None = None, sort: SortSpec = None) -> pa.Table:
        """All rows as a pyarrow Table, streamed from the gateway as Arrow IPC parts."""
        gateway = self._gateway
        result = await gateway._request("data/export", _source_params(self._source(), columns, sort))
        return _arrow.table_from_parts(gateway._conn.take_attachment(result["attachment"]))

    async def to_pandas(self, *, columns: Sequence[str] | None = None, sort: SortSpec = None) -> Any:
        """All rows as a pandas DataFrame (needs ``framegate[pandas]``)."""
        return _arrow.pandas_from_arrow(await self.to_arrow(columns=columns, sort=sort))

    async def to_polars(self, *, columns: Sequence[str] | None = None, sort: SortSpec = None) -> Any:
        """All rows as a polars DataFrame (needs ``framegate[polars]``)."""
        return _arrow.polars_from_arrow(await self.to_arrow(columns=columns, sort=sort))

    async def _load_preview(self) -> None:
        self._preview = await self.head(_display.PREVIEW_ROWS) if self.row_count else None


class AsyncFrame(_Readable):
    """One version of a frame: the latest when it was asked for. Its rows never change under it."""

    def __init__(self, gateway: AsyncGateway, info: FrameInfo) -> None:
        self._gateway = gateway
        self.info = info
        self._preview = None

    def _source(self) -> dict[str, Any]:
        return {"kind": "frame", "name": self.info.ref}

    @property
    def name(self) -> str:
        return self.info.name

    @property
    def version(self) -> int:
        return self.info.version

    @property
    def schema(self) -> Schema:
        return self.info.schema

    @property
    def row_count(self) -> int:
        return self.info.row_count

    async def latest(self) -> AsyncFrame:
        """The newest version of this frame (itself if none was saved since)."""
        return await self._gateway.frame(self.info.name)

    def __repr__(self) -> str:
        return _display.table_text(self.info.ref, _display.frame_subtitle(self.info), self.schema.names, [c.type for c in self.schema], self._preview, self.row_count)

    def _repr_html_(self) -> str:
        return _display.table_html(self.info.ref, _display.frame_subtitle(self.info), self.schema.names, [c.type for c in self.schema], self._preview, self.row_count)


class AsyncResult(_Readable):
    """A query result held by the gateway for this connection, until closed or the connection ends."""

    def __init__(self, gateway: AsyncGateway, wire: dict[str, Any]) -> None:
        self._gateway = gateway
        self.id = str(wire["id"])
        self.sql = str(wire.get("sql", ""))
        self._schema = Schema.from_wire(wire.get("columns"))
        self._row_count = int(wire.get("rowCount", 0))
        self._preview = None
        # A notebook runs many queries and closes none: a result nobody holds any more is freed on the gateway.
        self._finalizer = weakref.finalize(self, gateway._conn.request_soon, "query/close", {"id": self.id})
        self._finalizer.atexit = False

    def _source(self) -> dict[str, Any]:
        return {"kind": "result", "id": self.id}

    @property
    def schema(self) -> Schema:
        return self._schema

    @property
    def row_count(self) -> int:
        return self._row_count

    async def save(self, name: str, *, replace: bool = False) -> FrameInfo:
        """Saves the result as a frame (``name`` or ``namespace.name``); ``replace`` saves a new version."""
        return FrameInfo.from_wire(await self._gateway._request("frames/save", {"name": name, "from": {"result": self.id}, "replace": replace}))

    async def close(self) -> None:
        """Frees the result on the gateway (it is freed anyway when the connection ends)."""
        self._finalizer.detach()
        if not self._gateway.closed:
            await self._gateway._request("query/close", {"id": self.id})

    def _subtitle(self) -> str:
        return f"{self._row_count:,} row{'' if self._row_count == 1 else 's'}, {len(self._schema)} columns"

    def __repr__(self) -> str:
        return _display.table_text("result of " + _short(self.sql), self._subtitle(), self.schema.names, [c.type for c in self.schema], self._preview, self.row_count)

    def _repr_html_(self) -> str:
        return _display.table_html("result of " + _short(self.sql), self._subtitle(), self.schema.names, [c.type for c in self.schema], self._preview, self.row_count)


def _short(sql: str) -> str:
    flat = " ".join(sql.split())
    return flat if len(flat) <= 80 else flat[:79] + "…"


class AsyncWatch:
    """Events as they happen, from the moment ``watch()`` was called: ``async for event in watch``.

    Ends when closed (or used as ``async with``); raises ``ConnectionLost`` (or ``AuthError``) if the
    connection ends under it.
    """

    def __init__(self, connection: Connection, protocol_version: int) -> None:
        self._connection = connection
        self._protocol = protocol_version
        self._queue: asyncio.Queue[Notification | None] = asyncio.Queue()
        self._closed = False
        self._lost = False
        self._unsubscribe = connection.subscribe(self._receive)

    def _receive(self, item: Notification | None) -> None:
        if item is not None and self._queue.qsize() >= MAX_UNREAD_EVENTS:
            # Nobody is reading: stop here rather than hold events without bound.
            self._lost = True
            self._unsubscribe()
            item = None
        self._queue.put_nowait(item)

    def __aiter__(self) -> AsyncIterator[Event]:
        return self

    async def __anext__(self) -> Event:
        event = await self.get()
        if event is None:
            raise StopAsyncIteration
        return event

    async def get(self, timeout: float | None = None) -> Event | None:
        """The next event; ``None`` once closed. Raises ``TimeoutError`` after ``timeout`` seconds."""
        while not self._closed:
            item = await asyncio.wait_for(self._queue.get(), timeout)
            if item is None:
                if self._closed:
                    break
                raise _watch_ended(self._connection, self._lost)
            event = _event(item, self._protocol)
            if event is not None:
                return event
        return None

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._unsubscribe()
            self._queue.put_nowait(None)

    async def __aenter__(self) -> AsyncWatch:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.close()


#: Events a watch holds unread before it stops (EventsLost).
MAX_UNREAD_EVENTS = 10_000


def _watch_ended(connection: Connection, lost: bool) -> FramegateError:
    if lost:
        return EventsLost(f"more than {MAX_UNREAD_EVENTS:,} events went unread, so this watch stopped; call watch() again (and ls() for what changed)")
    return connection.close_error or ConnectionLost("the connection to the gateway closed")


def _event(notification: Notification, protocol_version: int) -> Event | None:
    """The event a notification tells. A gateway of protocol 3 sends ``events/event`` and, for
    older clients, ``frames/changed`` too: only one of the two is taken, so nothing comes twice."""
    method, params = notification
    wanted = "events/event" if protocol_version >= 3 else "frames/changed"
    return Event.from_notification(method, params) if method == wanted else None


class AsyncGateway:
    """A connection to a gateway, as one user (the holder of the token)."""

    def __init__(self, connection: Connection, *, timeout: float | None = None) -> None:
        self._conn = connection
        self._timeout = timeout
        self._info: GatewayInfo | None = None

    @property
    def url(self) -> str:
        return self._conn.url

    @property
    def closed(self) -> bool:
        return self._conn.closed

    async def _request(self, method: str, params: dict[str, Any]) -> Any:
        return await self._conn.request(method, params, timeout=self._timeout)

    # -- Gateway and identity --------------------------------------------------------------------

    async def info(self) -> GatewayInfo:
        """The gateway's version, engine and limits (cached for the connection)."""
        if self._info is None:
            self._info = GatewayInfo.from_wire(await self._request("gateway/info", {}))
        return self._info

    async def whoami(self) -> WhoAmI:
        return WhoAmI.from_wire(await self._request("auth/whoami", {}))

    # -- Reading ---------------------------------------------------------------------------------

    async def ls(self, namespace: str | None = None) -> FrameList:
        """Frames you may read (yours, shared with you, the team's), optionally of one namespace."""
        params = {} if namespace is None else {"namespace": namespace}
        result = await self._request("frames/list", params)
        return FrameList([FrameInfo.from_wire(f) for f in result["frames"]])

    async def frame(self, name: str) -> AsyncFrame:
        """A frame: ``"sales"``, ``"alice.sales"`` or ``"alice.sales@3"`` (a version). Raises ``FrameNotFound``."""
        frame = AsyncFrame(self, FrameInfo.from_wire(await self._request("frames/schema", {"name": name})))
        await frame._load_preview()
        return frame

    async def schema(self, name: str) -> FrameInfo:
        return FrameInfo.from_wire(await self._request("frames/schema", {"name": name}))

    async def sql(self, sql: str) -> AsyncResult:
        """Runs a read-only query on the gateway over the frames you can read; the rows stay there."""
        result = AsyncResult(self, await self._request("query/sql", {"sql": sql}))
        await result._load_preview()
        return result

    # -- Writing ---------------------------------------------------------------------------------

    async def save(self, name: str, data: Any, *, replace: bool = False) -> FrameInfo:
        """Saves data as a frame: a pandas or polars DataFrame, pyarrow data, or a query result.

        Dataframes are uploaded as Arrow, in parts under the gateway's message cap, converted and
        sent batch by batch. ``replace=True`` saves a new version of an existing frame.
        """
        if isinstance(data, AsyncResult):
            return await data.save(name, replace=replace)
        info = await self.info()
        part_bytes = min(MAX_PART_BYTES, info.max_message_bytes - ATTACHMENT_HEADER_BYTES)
        attachment = await self._upload(data, part_bytes, info.max_upload_bytes)
        return FrameInfo.from_wire(await self._request("frames/upload", {"name": name, "replace": replace, "attachment": attachment}))

    async def _upload(self, data: Any, part_bytes: int, max_bytes: int) -> int:
        """Sends ``data`` as one attachment and returns its id.

        Conversion and Arrow encoding run in a worker thread (they are CPU work); each part it cuts
        is handed to this loop and sent before the next is made, so at most one part waits.
        """
        loop = asyncio.get_running_loop()
        attachment = self._conn.new_attachment_id()
        stop = threading.Event()

        def send(frame: bytes) -> None:
            if stop.is_set():
                raise ConnectionLost("the upload was cancelled")
            asyncio.run_coroutine_threadsafe(self._conn.send_binary([frame]), loop).result()

        def encode() -> None:
            _arrow.write_upload(_arrow.to_arrow_table(data), PartWriter(attachment, part_bytes, send, max_bytes))

        try:
            await asyncio.to_thread(encode)
        except BaseException:
            stop.set()
            raise
        return attachment

    async def delete(self, name: str) -> str:
        """Deletes a frame (all its versions); returns its full name. Owner or admin only."""
        return str((await self._request("frames/delete", {"name": name}))["deleted"])

    # -- Sharing ---------------------------------------------------------------------------------

    async def _grantee(self, to: str) -> dict[str, Any]:
        """Whom ``to`` names: ``team``, ``user:NAME``, ``group:NAME``, or a bare user or group name."""
        if to == "team":
            return {"kind": "team"}
        match = re.fullmatch(r"(user|group):(.+)", to)
        if match:
            return {"kind": match.group(1), "name": match.group(2).lower()}
        listing = await self._request("users/list", {})
        lower = to.lower()
        if any(u["name"] == lower for u in listing["users"]):
            return {"kind": "user", "name": lower}
        if any(g["name"] == lower for g in listing["groups"]):
            return {"kind": "group", "name": lower}
        raise UserNotFound(f"no user or group named {to}")

    async def share(self, name: str, to: str, *, write: bool = False) -> FrameInfo:
        """Shares a frame with a user, a group (``"group:analysts"``) or ``"team"``; ``write`` lets them save versions."""
        grantee = await self._grantee(to)
        return FrameInfo.from_wire(await self._request("frames/share", {"name": name, "with": grantee, "write": write}))

    async def unshare(self, name: str, to: str) -> FrameInfo:
        grantee = await self._grantee(to)
        return FrameInfo.from_wire(await self._request("frames/unshare", {"name": name, "with": grantee}))

    async def publish(self, name: str) -> FrameInfo:
        """Shares a frame with the whole team (read only)."""
        return await self.share(name, "team")

    # -- History ---------------------------------------------------------------------------------

    @property
    def protocol_version(self) -> int:
        """The protocol the gateway speaks (read when connecting)."""
        return self._info.protocol_version if self._info else 0

    async def versions(self, name: str) -> VersionList:
        """Every version of a frame, oldest first: who saved it, when, how many rows, from what."""
        if self.protocol_version >= 3:
            result = await self._request("objects/versions", {"name": name})
            full = str(result.get("name", name))
            return VersionList([Version.from_wire(full, v) for v in result["versions"]])
        # Protocol 2 has no versions method, but reads any version by NAME@N.
        latest = await self.schema(name)
        older = [await self.schema(f"{latest.name}@{v}") for v in range(1, latest.version)]
        return VersionList([*(Version.from_frame(o, False) for o in older), Version.from_frame(latest, True)])

    async def lineage(self, name: str) -> LineageNode:
        """Where a version (``NAME`` for the latest, ``NAME@N``) came from: a tree of the versions it
        read, back to its sources. Versions you may not read show as ``visible=False``, nothing more."""
        if self.protocol_version < 3:
            raise MethodNotFound(f"the gateway at {self.url} speaks protocol {self.protocol_version}, which does not tell lineage (protocol 3 does)")
        return LineageNode.from_wire((await self._request("objects/lineage", {"name": name}))["root"])

    # -- Events ----------------------------------------------------------------------------------

    def watch(self) -> AsyncWatch:
        """Events on frames you can see, from now on: ``async for event in fg.watch(): …``."""
        return AsyncWatch(self._conn, self.protocol_version)

    # -- Lifetime --------------------------------------------------------------------------------

    async def close(self) -> None:
        await self._conn.close()

    async def __aenter__(self) -> AsyncGateway:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        await self.close()

    def __repr__(self) -> str:
        return f"<framegate.aio.AsyncGateway {self.url}{' (closed)' if self.closed else ''}>"


async def connect(
    url: str | None = None,
    token: str | None = None,
    *,
    timeout: float | None = None,
    connect_timeout: float = 10.0,
    ca: str | os.PathLike[str] | None = None,
) -> AsyncGateway:
    """Connects to a gateway.

    ``url``: else ``FRAMEGATE_URL``, else ``ws://127.0.0.1:7878``. ``token``: else
    ``FRAMEGATE_TOKEN``, else the one saved for the URL by ``framegate login`` (or by a gateway
    started on this machine, for its first admin). ``timeout``: seconds to wait for any one answer
    (none by default: the gateway's own query timeout applies). ``ca``: PEM certificates to trust
    for a ``wss://`` gateway with its own CA (else ``FRAMEGATE_CA``).
    """
    resolved = resolve_url(url)
    connection = await Connection.open(resolved, resolve_token(resolved, token), connect_timeout=connect_timeout, ssl_context=_ssl_context(ca))
    gateway = AsyncGateway(connection, timeout=timeout)
    try:
        # Its limits (upload parts) and protocol (events, versions) are needed before the first call.
        await gateway.info()
    except BaseException:
        await connection.close()
        raise
    return gateway


__all__ = ["AsyncFrame", "AsyncGateway", "AsyncResult", "AsyncWatch", "FramegateError", "connect"]
