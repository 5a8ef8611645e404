"""The synchronous API (``framegate.connect``): the asyncio API run on a background I/O thread.

Each connection owns one daemon thread with its own event loop; a call hands its coroutine to that
loop and waits. So the sync API works the same in a script, in a thread, and inside a running event
loop (a Jupyter kernel's): it never touches the caller's loop. Ctrl-C (a notebook's interrupt)
cancels the request on the gateway too.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import queue
import threading
import time
import weakref
from collections.abc import Coroutine, Iterator, Sequence
from types import TracebackType
from typing import Any, TypeVar

import pyarrow as pa

from . import aio
from ._connection import Notification
from ._types import Event, FrameInfo, FrameList, GatewayInfo, LineageNode, Schema, VersionList, WhoAmI
from .errors import ConnectionLost

T = TypeVar("T")


#: How often a waiting caller wakes to let Python run its signal handlers.
#
# A wait without a timeout would sleep through Ctrl-C (a notebook's interrupt): Python runs signal
# handlers in the main thread only between bytecodes, and the signal may land in another thread.
# Waking every _WAKE_S lets the KeyboardInterrupt through at once.
_WAKE_S = 0.1


def _result(future: concurrent.futures.Future[T]) -> T:
    while not concurrent.futures.wait([future], timeout=_WAKE_S).done:
        pass
    return future.result()


def _get(items: queue.SimpleQueue[T], timeout: float | None) -> T:
    """The next item; raises ``queue.Empty`` once ``timeout`` seconds pass."""
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        step = _WAKE_S if deadline is None else min(_WAKE_S, deadline - time.monotonic())
        try:
            return items.get(timeout=max(0.0, step))
        except queue.Empty:
            if deadline is not None and time.monotonic() >= deadline:
                raise


class _IOThread:
    """An event loop in a daemon thread, and a way to run coroutines on it from any other thread."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="framegate-io", daemon=True)
        self._thread.start()

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        if threading.current_thread() is self._thread:
            coroutine.close()
            raise RuntimeError("a framegate call cannot be made from framegate's own I/O thread")
        if self.loop.is_closed():
            coroutine.close()
            raise ConnectionLost("this connection was closed; connect again")
        future = asyncio.run_coroutine_threadsafe(coroutine, self.loop)
        try:
            return _result(future)
        except (KeyboardInterrupt, SystemExit):
            # Cancelling the task cancels the request on the gateway ($/cancelRequest).
            future.cancel()
            raise
        except concurrent.futures.CancelledError:
            raise ConnectionLost("the request was cancelled") from None

    def stop(self) -> None:
        if self.loop.is_closed():
            return
        self.loop.call_soon_threadsafe(self.loop.stop)
        if threading.current_thread() is not self._thread:
            self._thread.join(timeout=10)
            self.loop.close()


def _close_quietly(gateway: aio.AsyncGateway, io: _IOThread) -> None:
    """Runs when a Gateway is garbage collected (or at exit) without having been closed."""
    try:
        if not io.loop.is_closed() and not gateway.closed:
            asyncio.run_coroutine_threadsafe(gateway.close(), io.loop).result(timeout=5)
    except Exception:
        pass
    io.stop()


class _SyncReadable:
    _async: aio.AsyncFrame | aio.AsyncResult
    _io: _IOThread

    @property
    def schema(self) -> Schema:
        return self._async.schema

    @property
    def columns(self) -> list[str]:
        return self._async.columns

    @property
    def row_count(self) -> int:
        return self._async.row_count

    def __len__(self) -> int:
        return self._async.row_count

    def head(self, n: int = 10, *, offset: int = 0, columns: Sequence[str] | None = None, sort: aio.SortSpec = None) -> pa.Table:
        """The first ``n`` rows (from ``offset``, optionally sorted on the gateway) as a pyarrow Table."""
        return self._io.run(self._async.head(n, offset=offset, columns=columns, sort=sort))

    def to_arrow(self, *, columns: Sequence[str] | None = None, sort: aio.SortSpec = None) -> pa.Table:
        """All rows as a pyarrow Table, streamed from the gateway as Arrow IPC parts."""
        return self._io.run(self._async.to_arrow(columns=columns, sort=sort))

    def to_pandas(self, *, columns: Sequence[str] | None = None, sort: aio.SortSpec = None) -> Any:
        """All rows as a pandas DataFrame (needs ``framegate[pandas]``)."""
        return self._io.run(self._async.to_pandas(columns=columns, sort=sort))

    def to_polars(self, *, columns: Sequence[str] | None = None, sort: aio.SortSpec = None) -> Any:
        """All rows as a polars DataFrame (needs ``framegate[polars]``)."""
        return self._io.run(self._async.to_polars(columns=columns, sort=sort))

    def __repr__(self) -> str:
        return repr(self._async)

    def _repr_html_(self) -> str:
        return self._async._repr_html_()


class Frame(_SyncReadable):
    """One version of a frame: the latest when it was asked for. Its rows never change under it."""

    def __init__(self, frame: aio.AsyncFrame, io: _IOThread) -> None:
        self._async = frame
        self._frame = frame
        self._io = io

    @property
    def info(self) -> FrameInfo:
        return self._frame.info

    @property
    def name(self) -> str:
        return self._frame.name

    @property
    def version(self) -> int:
        return self._frame.version

    def latest(self) -> Frame:
        """The newest version of this frame (itself if none was saved since)."""
        return Frame(self._io.run(self._frame.latest()), self._io)


class Result(_SyncReadable):
    """A query result held by the gateway for this connection, until closed or the connection ends."""

    def __init__(self, result: aio.AsyncResult, io: _IOThread) -> None:
        self._async = result
        self._async_result = result
        self._io = io

    @property
    def id(self) -> str:
        return self._async_result.id

    @property
    def sql(self) -> str:
        return self._async_result.sql

    def save(self, name: str, *, replace: bool = False) -> FrameInfo:
        """Saves the result as a frame (``name`` or ``namespace.name``); ``replace`` saves a new version."""
        return self._io.run(self._async_result.save(name, replace=replace))

    def close(self) -> None:
        """Frees the result on the gateway (it is freed anyway when the connection ends)."""
        self._io.run(self._async_result.close())

    def __enter__(self) -> Result:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Watch(Iterator[Event]):
    """Events as they happen, from the moment ``watch()`` was called: ``for event in fg.watch()``.

    Iterating blocks until the next event (interrupt to stop); ``get(timeout)`` waits at most that
    long. Ends when closed; raises ``ConnectionLost`` (or ``AuthError``) if the connection ends.
    """

    def __init__(self, gateway: aio.AsyncGateway, io: _IOThread) -> None:
        self._gateway = gateway
        self._io = io
        self._queue: queue.SimpleQueue[Notification | None] = queue.SimpleQueue()
        self._closed = False
        self._lost = False

        def receive(item: Notification | None) -> None:
            # On the I/O thread. Nobody reading: stop here rather than hold events without bound.
            if item is not None and self._queue.qsize() >= aio.MAX_UNREAD_EVENTS:
                self._lost = True
                self._unsubscribe()
                item = None
            self._queue.put(item)

        async def subscribe() -> Any:
            return gateway._conn.subscribe(receive)

        self._unsubscribe = io.run(subscribe())

    def __iter__(self) -> Watch:
        return self

    def __next__(self) -> Event:
        event = self.get()
        if event is None:
            raise StopIteration
        return event

    def get(self, timeout: float | None = None) -> Event | None:
        """The next event; ``None`` once closed. Raises ``TimeoutError`` after ``timeout`` seconds."""
        while not self._closed:
            try:
                item = _get(self._queue, timeout)
            except queue.Empty:
                raise TimeoutError(f"no event within {timeout:g} s") from None
            if item is None:
                if self._closed:
                    break
                raise aio._watch_ended(self._gateway._conn, self._lost)
            event = aio._event(item, self._gateway.protocol_version)
            if event is not None:
                return event
        return None

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if not self._io.loop.is_closed():
            self._io.loop.call_soon_threadsafe(self._unsubscribe)
        self._queue.put(None)

    def __enter__(self) -> Watch:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Gateway:
    """A connection to a gateway, as one user (the holder of the token). ``framegate.connect()`` makes one."""

    def __init__(self, gateway: aio.AsyncGateway, io: _IOThread) -> None:
        self._async = gateway
        self._io = io
        self._finalizer = weakref.finalize(self, _close_quietly, gateway, io)

    @property
    def url(self) -> str:
        return self._async.url

    @property
    def closed(self) -> bool:
        return self._async.closed

    def info(self) -> GatewayInfo:
        """The gateway's version, engine and limits."""
        return self._io.run(self._async.info())

    def whoami(self) -> WhoAmI:
        """Who the token says you are: user, admin, groups, your namespace."""
        return self._io.run(self._async.whoami())

    def ls(self, namespace: str | None = None) -> FrameList:
        """Frames you may read (yours, shared with you, the team's), optionally of one namespace."""
        return self._io.run(self._async.ls(namespace))

    def frame(self, name: str) -> Frame:
        """A frame: ``"sales"``, ``"alice.sales"`` or ``"alice.sales@3"`` (a version). Raises ``FrameNotFound``."""
        return Frame(self._io.run(self._async.frame(name)), self._io)

    def sql(self, sql: str) -> Result:
        """Runs a read-only query on the gateway over the frames you can read; the rows stay there."""
        return Result(self._io.run(self._async.sql(sql)), self._io)

    def save(self, name: str, data: Any, *, replace: bool = False) -> FrameInfo:
        """Saves data as a frame: a pandas or polars DataFrame, pyarrow data, or a query result.
        ``replace=True`` saves a new version of an existing frame."""
        return self._io.run(self._async.save(name, data._async_result if isinstance(data, Result) else data, replace=replace))

    def delete(self, name: str) -> str:
        """Deletes a frame (all its versions); returns its full name. Owner or admin only."""
        return self._io.run(self._async.delete(name))

    def share(self, name: str, to: str, *, write: bool = False) -> FrameInfo:
        """Shares a frame with a user, a group (``"group:analysts"``) or ``"team"``; ``write`` lets them save versions."""
        return self._io.run(self._async.share(name, to, write=write))

    def unshare(self, name: str, to: str) -> FrameInfo:
        return self._io.run(self._async.unshare(name, to))

    def publish(self, name: str) -> FrameInfo:
        """Shares a frame with the whole team (read only)."""
        return self._io.run(self._async.publish(name))

    @property
    def protocol_version(self) -> int:
        """The protocol the gateway speaks."""
        return self._async.protocol_version

    def versions(self, name: str) -> VersionList:
        """Every version of a frame, oldest first: who saved it, when, how many rows, from what."""
        return self._io.run(self._async.versions(name))

    def lineage(self, name: str) -> LineageNode:
        """Where a version (``NAME`` for the latest, ``NAME@N``) came from: a tree of the versions it
        read, back to its sources. Versions you may not read show as ``visible=False``, nothing more."""
        return self._io.run(self._async.lineage(name))

    def watch(self) -> Watch:
        """Events on frames you can see, from now on: ``for event in fg.watch(): …``."""
        return Watch(self._async, self._io)

    def close(self) -> None:
        """Closes the connection and stops its I/O thread. Idempotent."""
        self._finalizer()

    def __enter__(self) -> Gateway:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<framegate.Gateway {self.url}{' (closed)' if self.closed else ''}>"


def connect(
    url: str | None = None,
    token: str | None = None,
    *,
    timeout: float | None = None,
    connect_timeout: float = 10.0,
    ca: str | os.PathLike[str] | None = None,
) -> Gateway:
    """Connects to a gateway: ``fg = framegate.connect()``.

    ``url``: else ``FRAMEGATE_URL``, else ``ws://127.0.0.1:7878``. ``token``: else
    ``FRAMEGATE_TOKEN``, else the one saved for the URL by ``framegate login`` (or by a gateway
    started on this machine, for its first admin). ``timeout``: seconds to wait for any one answer
    (none by default: the gateway's own query timeout applies). ``ca``: PEM certificates to trust
    for a ``wss://`` gateway with its own CA (else ``FRAMEGATE_CA``).
    """
    io = _IOThread()
    try:
        gateway = io.run(aio.connect(url, token, timeout=timeout, connect_timeout=connect_timeout, ca=ca))
    except BaseException:
        io.stop()
        raise
    return Gateway(gateway, io)
