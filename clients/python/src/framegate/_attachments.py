"""Binary attachments: the Arrow bytes that travel beside JSON-RPC messages.

A binary WebSocket message is ``u32 LE id, u32 LE flags, payload``; an attachment may span several
messages (parts) with the same id, the last one flagged final. Parts come *before* the JSON message
that references ``{"attachment": id}``. Mirrors ``protocol/attachments.ts`` and ``rpc/attachments.ts``;
the shared vectors in ``test/fixtures/protocol/`` keep the two byte-compatible.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing_extensions import Buffer

from .errors import BadAttachment, TooLarge

ATTACHMENT_HEADER_BYTES = 8
FLAG_FINAL = 1
#: Largest payload put in one binary message (as the TypeScript side).
MAX_PART_BYTES = 4 * 1024 * 1024

_HEADER = struct.Struct("<II")


@dataclass(frozen=True)
class AttachmentFrame:
    id: int
    final: bool
    payload: memoryview


def encode_attachment_frame(attachment_id: int, payload: bytes | memoryview, final: bool) -> bytes:
    return _HEADER.pack(attachment_id, FLAG_FINAL if final else 0) + payload


def decode_attachment_frame(frame: bytes | memoryview) -> AttachmentFrame:
    if len(frame) < ATTACHMENT_HEADER_BYTES:
        raise BadAttachment(f"binary message of {len(frame)} bytes is shorter than the attachment header")
    attachment_id, flags = _HEADER.unpack_from(frame)
    # A view, not a copy: a 4 MiB part is sliced, never duplicated.
    return AttachmentFrame(attachment_id, bool(flags & FLAG_FINAL), memoryview(frame)[ATTACHMENT_HEADER_BYTES:])


def attachment_frames(attachment_id: int, payload: bytes | memoryview, part_bytes: int = MAX_PART_BYTES) -> Iterator[bytes]:
    """Splits ``payload`` into parts of at most ``part_bytes``; the last one is final (one empty part for no bytes)."""
    view = memoryview(payload)
    if len(view) == 0:
        yield encode_attachment_frame(attachment_id, b"", True)
        return
    for offset in range(0, len(view), part_bytes):
        end = min(offset + part_bytes, len(view))
        yield encode_attachment_frame(attachment_id, view[offset:end], end == len(view))


class PartWriter(io.RawIOBase):
    """A binary sink (what ``pyarrow.ipc.new_stream`` writes to) that cuts what it is given into parts.

    A full part is held back until more bytes come, so the framing is exactly that of
    ``attachment_frames`` over the same bytes: the last part is final, and only no bytes at all make
    an empty one. ``send`` is called with each encoded part, in order, in the writing thread;
    ``finish()`` sends the final part (``close()`` sends nothing: an abandoned upload stays unfinished).
    """

    def __init__(self, attachment_id: int, part_bytes: int, send: Callable[[bytes], None], max_bytes: int | None = None) -> None:
        super().__init__()
        if part_bytes <= 0:
            raise ValueError("part_bytes must be positive")
        self._id = attachment_id
        self._part_bytes = part_bytes
        self._send = send
        self.max_bytes = max_bytes
        self._pending = bytearray()
        self._finished = False
        self.written = 0

    def writable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.written

    def write(self, data: Buffer) -> int:
        if self._finished:
            raise ValueError("the attachment is finished")
        size = memoryview(data).nbytes
        if self.max_bytes is not None and self.written + size > self.max_bytes:
            raise TooLarge(f"the data is larger than the gateway's upload cap of {self.max_bytes:,} bytes")
        self._pending += data
        self.written += size
        while len(self._pending) > self._part_bytes:
            part = bytes(self._pending[: self._part_bytes])
            del self._pending[: self._part_bytes]
            self._send(encode_attachment_frame(self._id, part, False))
        return size

    def finish(self) -> None:
        """Sends what is left as the final part. Idempotent."""
        if self._finished:
            return
        self._finished = True
        self._send(encode_attachment_frame(self._id, bytes(self._pending), True))
        self._pending.clear()


class AttachmentInbox:
    """Assembles parts as they arrive and holds finished attachments until their message takes them.

    What it holds is bounded, so a misbehaving peer cannot make the client buffer without limit.
    """

    def __init__(self, max_held_bytes: int) -> None:
        self._max_held = max_held_bytes
        self._partial: dict[int, list[memoryview]] = {}
        self._complete: dict[int, list[memoryview]] = {}
        self._sizes: dict[int, int] = {}
        self.held = 0

    def receive(self, frame: bytes | memoryview) -> None:
        part = decode_attachment_frame(frame)
        size = len(part.payload)
        if self.held + size > self._max_held:
            raise TooLarge(f"attachments held for this connection would pass the cap of {self._max_held:,} bytes")
        self.held += size
        self._sizes[part.id] = self._sizes.get(part.id, 0) + size
        parts = self._partial.setdefault(part.id, [])
        if size:
            parts.append(part.payload)
        if part.final:
            self._complete[part.id] = self._partial.pop(part.id)

    def take(self, attachment_id: int) -> list[memoryview]:
        """Removes and returns the parts of a finished attachment, in order."""
        parts = self._complete.pop(attachment_id, None)
        if parts is None:
            why = "has not finished arriving" if attachment_id in self._partial else "never arrived"
            raise BadAttachment(f"attachment {attachment_id} {why}")
        self.held -= self._sizes.pop(attachment_id, 0)
        return parts

    def discard(self, attachment_id: int) -> None:
        """Drops an attachment nobody will take (its request was cancelled or timed out)."""
        if attachment_id in self._complete:
            self.take(attachment_id)
