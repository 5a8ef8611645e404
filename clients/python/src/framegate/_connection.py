"""One WebSocket to a gateway: JSON-RPC 2.0 requests and notifications, plus attachments (asyncio).

Authenticated by ``Authorization: Bearer TOKEN`` on the upgrade. A reader task takes every message
in order: binary parts go to the inbox, replies settle their request, notifications go to the
subscribers. Closing (either side) fails every waiting request with an error that says why.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import ssl
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

import websockets
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus

from ._attachments import AttachmentInbox
from .errors import (
    AuthError,
    ConnectError,
    ConnectionLost,
    FramegateError,
    RequestTimeout,
    TooLarge,
    error_from_reply,
)

log = logging.getLogger("framegate")

#: Close codes the gateway uses (rpc/channel.ts).
CLOSE_GOING_AWAY = 1001
CLOSE_PROTOCOL_ERROR = 1002
CLOSE_TOO_LARGE = 1009
CLOSE_UNAUTHORIZED = 4001
CLOSE_SLOW_CONSUMER = 4008

_LOOPBACK = {"localhost", "127.0.0.1", "::1"}
#: Bound on attachment bytes held at once, as the TypeScript client's default.
DEFAULT_MAX_ATTACHMENT_BYTES = 16 * 1024 * 1024 * 1024
DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024 * 1024

Notification = tuple[str, Any]


def _refusal(url: str, error: InvalidStatus) -> FramegateError:
    """The error for the gateway's HTTP answer to an upgrade it refused (``UpgradeRefusal`` body)."""
    status = error.response.status_code
    message = f"the gateway at {url} refused the connection (HTTP {status})"
    try:
        body = json.loads(error.response.body or b"")
        if isinstance(body, dict) and isinstance(body.get("message"), str):
            message = body["message"]
    except ValueError:
        pass
    if status in (401, 403):
        return AuthError(message, status=status)
    return ConnectError(message)


def _close_error(code: int | None, reason: str) -> FramegateError:
    """What a closed connection means for a request that was waiting on it."""
    if code == CLOSE_UNAUTHORIZED:
        return AuthError(f"the gateway ended the session: {reason or 'your token stopped working'}; connect again with a new token")
    if code == CLOSE_TOO_LARGE:
        return TooLarge(f"the gateway closed the connection: {reason or 'a message was larger than its cap'}; connect again")
    if code == CLOSE_GOING_AWAY:
        return ConnectionLost(f"the gateway is shutting down ({reason or 'going away'}); connect again once it is back")
    return ConnectionLost(f"the connection to the gateway closed ({code}{': ' + reason if reason else ''}); connect again")


class Connection:
    """A connected gateway session. Use :meth:`open`; every method runs on the connection's loop."""

    def __init__(self, url: str, socket: ClientConnection, max_attachment_bytes: int) -> None:
        self.url = url
        self._socket = socket
        self._inbox = AttachmentInbox(max_attachment_bytes)
        self._pending: dict[int, asyncio.Future[Any]] = {}
        self._next_id = 1
        self._next_attachment_id = 1
        self._subscribers: list[Callable[[Notification | None], None]] = []
        self._close_error: FramegateError | None = None
        self._loop = asyncio.get_running_loop()
        self._reader = self._loop.create_task(self._read())

    @classmethod
    async def open(
        cls,
        url: str,
        token: str | None,
        *,
        connect_timeout: float = 10.0,
        max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES,
        max_attachment_bytes: int = DEFAULT_MAX_ATTACHMENT_BYTES,
        ssl_context: ssl.SSLContext | None = None,
    ) -> Connection:
        parts = urlsplit(url)
        if parts.scheme not in ("ws", "wss") or not parts.hostname:
            raise ConnectError(f"{url!r} is not a ws:// or wss:// URL")
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        loop = asyncio.get_running_loop()
        deadline = loop.time() + connect_timeout
        delay = 0.1
        while True:
            try:
                socket = await websockets.connect(
                    url,
                    additional_headers=headers,
                    open_timeout=max(0.1, deadline - loop.time()),
                    max_size=max_message_bytes,
                    # Arrow bytes do not compress well enough to pay for it; the gateway does not offer it.
                    compression=None,
                    # Sends wait for the socket to drain past this, so an upload never outruns the network.
                    write_limit=4 * 1024 * 1024,
                    # A gateway on this machine is never behind a proxy (a proxy variable must not break it).
                    proxy=None if parts.hostname in _LOOPBACK else True,
                    ssl=ssl_context if parts.scheme == "wss" else None,
                )
                break
            except InvalidStatus as error:
                # 503: the gateway is starting (its first admin, its demo); it says so, and is ready soon.
                if error.response.status_code == 503 and loop.time() + delay < deadline:
                    log.debug("the gateway at %s is not ready (HTTP 503); trying again in %.1f s", url, delay)
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, 1.0)
                    continue
                raise _refusal(url, error) from None
            except (OSError, InvalidHandshake) as error:
                raise ConnectError(f"cannot connect to the Framegate gateway at {url}: {error}") from None
            except TimeoutError:
                raise ConnectError(f"cannot connect to the Framegate gateway at {url}: no answer within {connect_timeout:g} s") from None
        return cls(url, socket, max_attachment_bytes)

    @property
    def closed(self) -> bool:
        return self._close_error is not None

    # -- Requests --------------------------------------------------------------------------------

    async def request(self, method: str, params: dict[str, Any], *, timeout: float | None = None) -> Any:
        """Sends a request and waits for its result; raises the gateway's error as an exception.

        Cancelled (or timed out), the request is cancelled on the gateway too (``$/cancelRequest``),
        which interrupts the query it runs.
        """
        if self._close_error is not None:
            raise self._close_error
        request_id = self._next_id
        self._next_id += 1
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[request_id] = future
        try:
            await self._send_text({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params})
            if timeout is None:
                return await future
            try:
                return await asyncio.wait_for(asyncio.shield(future), timeout)
            except TimeoutError:
                raise RequestTimeout(f"{method}: no answer from the gateway within {timeout:g} s (cancelled there)") from None
        except (asyncio.CancelledError, RequestTimeout):
            # Not answered yet (a cancelled wait cancels the future too): the gateway is still at it.
            if not future.done() or future.cancelled():
                self._cancel_on_gateway(request_id)
            raise
        finally:
            self._pending.pop(request_id, None)

    def request_soon(self, method: str, params: dict[str, Any]) -> None:
        """Sends a request whose answer nobody waits for, from any thread (a finalizer's, say)."""

        def send() -> None:
            if self._close_error is None:
                task = self._loop.create_task(self.request(method, params))
                task.add_done_callback(lambda done: done.cancelled() or done.exception())

        if self._close_error is None:
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile: nothing left to free
                self._loop.call_soon_threadsafe(send)

    def take_attachment(self, attachment_id: int) -> list[memoryview]:
        return self._inbox.take(attachment_id)

    def new_attachment_id(self) -> int:
        attachment_id = self._next_attachment_id
        self._next_attachment_id += 1
        return attachment_id

    async def send_binary(self, frames: Iterable[bytes]) -> None:
        """Sends attachment parts in order; each waits for the socket to drain past its write limit."""
        try:
            for frame in frames:
                await self._socket.send(frame)
        except ConnectionClosed:
            raise self._closed_now() from None

    def _cancel_on_gateway(self, request_id: int) -> None:
        message = {"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": request_id}}
        task = asyncio.get_running_loop().create_task(self._send_text(message))
        # Nobody waits for it: a closed socket just means there is nothing left to cancel.
        task.add_done_callback(lambda done: done.cancelled() or done.exception())

    async def _send_text(self, message: dict[str, Any]) -> None:
        try:
            await self._socket.send(json.dumps(message, separators=(",", ":")))
        except ConnectionClosed:
            raise self._closed_now() from None

    # -- Notifications ---------------------------------------------------------------------------

    def subscribe(self, listener: Callable[[Notification | None], None]) -> Callable[[], None]:
        """Calls ``listener((method, params))`` for every gateway notification, and ``listener(None)``
        once when the connection ends. Returns the unsubscribe function."""
        if self._close_error is not None:
            listener(None)
            return lambda: None
        self._subscribers.append(listener)

        def unsubscribe() -> None:
            with contextlib.suppress(ValueError):
                self._subscribers.remove(listener)

        return unsubscribe

    @property
    def close_error(self) -> FramegateError | None:
        return self._close_error

    # -- Reading ---------------------------------------------------------------------------------

    async def _read(self) -> None:
        try:
            async for message in self._socket:
                if isinstance(message, bytes):
                    self._receive_binary(message)
                else:
                    self._receive_text(message)
        except ConnectionClosed:
            pass
        except FramegateError as error:
            # The gateway sent what this client cannot accept (oversize or malformed attachments).
            log.warning("closing the connection to %s: %s", self.url, error)
            self._close_error = error
            await self._socket.close(CLOSE_TOO_LARGE if isinstance(error, TooLarge) else CLOSE_PROTOCOL_ERROR, str(error)[:120])
        finally:
            self._finish(self._closed_now())

    def _closed_now(self) -> FramegateError:
        if self._close_error is not None:
            return self._close_error
        received = self._socket.protocol.close_rcvd
        sent = self._socket.protocol.close_sent
        close = received or sent
        return _close_error(close.code if close else None, close.reason if close else "")

    def _receive_binary(self, message: bytes) -> None:
        self._inbox.receive(message)

    def _receive_text(self, text: str) -> None:
        try:
            message = json.loads(text)
        except ValueError:
            log.warning("ignored a message from %s that is not JSON", self.url)
            return
        if not isinstance(message, dict):
            return
        if "method" in message:
            if "id" in message:
                # The gateway sends no requests; answer as JSON-RPC asks rather than leave it waiting.
                reply = {"jsonrpc": "2.0", "id": message["id"], "error": {"code": -32601, "message": "the client handles no requests"}}
                asyncio.get_running_loop().create_task(self._send_text(reply)).add_done_callback(lambda done: done.cancelled() or done.exception())
                return
            for listener in list(self._subscribers):
                listener((message["method"], message.get("params")))
            return
        request_id = message.get("id")
        future = self._pending.get(request_id) if isinstance(request_id, int) else None
        result = message.get("result")
        if future is None or future.done():
            # A reply to a request given up on: free the attachment it brought.
            if isinstance(result, dict) and isinstance(result.get("attachment"), int):
                self._inbox.discard(result["attachment"])
            return
        if "error" in message:
            future.set_exception(error_from_reply(message["error"]))
        else:
            future.set_result(result)

    def _finish(self, error: FramegateError) -> None:
        self._close_error = error
        for future in self._pending.values():
            if not future.done():
                future.set_exception(error)
        self._pending.clear()
        for listener in self._subscribers:
            listener(None)
        self._subscribers.clear()

    async def close(self) -> None:
        """Closes the connection (normal closure) and waits for the reader to end. Idempotent."""
        if self._close_error is None:
            self._close_error = ConnectionLost("the connection was closed by this client")
        await self._socket.close()
        with contextlib.suppress(asyncio.CancelledError):
            await self._reader
