"""What the gateway answers, as typed Python values (``protocol/types.ts``, ``protocol/methods.ts``)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, overload

from . import _display


def _time(text: Any) -> datetime | None:
    if not isinstance(text, str):
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


@dataclass(frozen=True)
class Column:
    name: str
    #: The engine's type name, e.g. ``BIGINT``, ``VARCHAR``, ``TIMESTAMP``, ``DECIMAL(18,2)``.
    type: str


class Schema(Sequence[Column]):
    """The columns of a frame or result, in order, with the gateway's type names."""

    def __init__(self, columns: Sequence[Column]) -> None:
        self._columns = tuple(columns)

    @classmethod
    def from_wire(cls, columns: Any) -> Schema:
        return cls([Column(str(c["name"]), str(c["type"])) for c in columns or []])

    @property
    def names(self) -> list[str]:
        return [c.name for c in self._columns]

    def type_of(self, name: str) -> str:
        for column in self._columns:
            if column.name == name:
                return column.type
        raise KeyError(name)

    @overload
    def __getitem__(self, index: int) -> Column: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Column]: ...
    def __getitem__(self, index: int | slice) -> Column | Sequence[Column]:
        return self._columns[index]

    def __len__(self) -> int:
        return len(self._columns)

    def __iter__(self) -> Iterator[Column]:
        return iter(self._columns)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Schema) and self._columns == other._columns

    def __hash__(self) -> int:
        return hash(self._columns)

    def __repr__(self) -> str:
        return "Schema(" + ", ".join(f"{c.name}: {c.type}" for c in self._columns) + ")"

    def _repr_html_(self) -> str:
        return _display.schema_html(self.names, [c.type for c in self._columns])


@dataclass(frozen=True)
class Grant:
    #: ``"user"``, ``"group"`` or ``"team"``.
    kind: str
    #: The user or group name (``None`` for the team).
    to: str | None
    write: bool
    by: str
    at: datetime | None

    @classmethod
    def from_wire(cls, wire: Mapping[str, Any]) -> Grant:
        to = wire.get("to") or {}
        return cls(str(to.get("kind")), to.get("name"), bool(wire.get("write")), str(wire.get("by", "")), _time(wire.get("at")))


@dataclass(frozen=True)
class FrameInfo:
    """One version of a frame, as the caller sees it."""

    #: Full name, ``namespace.name``.
    name: str
    namespace: str
    owner: str
    schema: Schema
    row_count: int
    version: int
    created_at: datetime | None
    #: Who saved this version.
    author: str
    #: The SQL (or load/upload description) that produced this version.
    source: str
    #: ``mine``, ``shared``, ``team`` or ``admin``: how it reaches the caller.
    scope: str
    published: bool
    can_write: bool
    can_manage: bool
    shared_by: str | None = None
    grants: tuple[Grant, ...] = ()
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_wire(cls, wire: Mapping[str, Any]) -> FrameInfo:
        return cls(
            name=str(wire["name"]),
            namespace=str(wire.get("namespace", "")),
            owner=str(wire.get("owner", "")),
            schema=Schema.from_wire(wire.get("columns")),
            row_count=int(wire.get("rowCount", 0)),
            version=int(wire.get("version", 0)),
            created_at=_time(wire.get("createdAt")),
            author=str(wire.get("author", "")),
            source=str(wire.get("source", "")),
            scope=str(wire.get("scope", "")),
            published=bool(wire.get("published")),
            can_write=bool(wire.get("canWrite")),
            can_manage=bool(wire.get("canManage")),
            shared_by=wire.get("sharedBy"),
            grants=tuple(Grant.from_wire(g) for g in wire.get("grants") or []),
            raw=wire,
        )

    @property
    def ref(self) -> str:
        """``namespace.name@version``: this very version, whatever is saved later."""
        return f"{self.name}@{self.version}"


class FrameList(Sequence[FrameInfo]):
    """Frames the caller may read (``fg.ls()``): a sequence of ``FrameInfo`` that shows as a table."""

    def __init__(self, frames: Sequence[FrameInfo]) -> None:
        self._frames = tuple(frames)

    @property
    def names(self) -> list[str]:
        return [f.name for f in self._frames]

    @overload
    def __getitem__(self, index: int) -> FrameInfo: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[FrameInfo]: ...
    def __getitem__(self, index: int | slice) -> FrameInfo | Sequence[FrameInfo]:
        return self._frames[index]

    def __len__(self) -> int:
        return len(self._frames)

    def __iter__(self) -> Iterator[FrameInfo]:
        return iter(self._frames)

    def __repr__(self) -> str:
        return _display.frame_list_text(self._frames)

    def _repr_html_(self) -> str:
        return _display.frame_list_html(self._frames)


@dataclass(frozen=True)
class GatewayInfo:
    version: str
    protocol_version: int
    engine: str
    max_message_bytes: int
    max_upload_bytes: int
    query_timeout_ms: int
    import_dirs: tuple[str, ...]

    @classmethod
    def from_wire(cls, wire: Mapping[str, Any]) -> GatewayInfo:
        return cls(
            str(wire.get("version", "")),
            int(wire.get("protocolVersion", 0)),
            str(wire.get("engine", "")),
            int(wire["maxMessageBytes"]),
            int(wire["maxUploadBytes"]),
            int(wire.get("queryTimeoutMs", 0)),
            tuple(wire.get("importDirs") or ()),
        )


@dataclass(frozen=True)
class WhoAmI:
    user: str
    admin: bool
    team_writer: bool
    groups: tuple[str, ...]
    #: The caller's own namespace (their user name).
    namespace: str
    #: The team's shared namespace.
    team_namespace: str

    @classmethod
    def from_wire(cls, wire: Mapping[str, Any]) -> WhoAmI:
        return cls(
            str(wire["user"]),
            bool(wire.get("admin")),
            bool(wire.get("teamWriter")),
            tuple(wire.get("groups") or ()),
            str(wire.get("namespace", "")),
            str(wire.get("teamNamespace", "")),
        )


@dataclass(frozen=True)
class Event:
    """Something that happened on the gateway to a frame the caller can see (or could, until now)."""

    #: The notification's method, e.g. ``frames/changed``.
    method: str
    #: ``saved``, ``loaded``, ``uploaded``, ``deleted``, ``shared`` or ``unshared``.
    action: str
    #: Full frame name.
    name: str
    #: Who did it.
    by: str
    #: The notification's params as sent.
    data: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_notification(cls, method: str, params: Any) -> Event:
        data: Mapping[str, Any] = params if isinstance(params, dict) else {}
        return cls(method, str(data.get("action", "")), str(data.get("name", "")), str(data.get("by", "")), data)
