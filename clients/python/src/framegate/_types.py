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


#: Protocol-3 event types (protocol/events.ts); a gateway of protocol 2 sends ``frame.<action>``.
EVENT_TYPES = (
    "object.created",
    "object.version",
    "object.shared",
    "object.published",
    "object.unshared",
    "object.deleted",
    "version.removed",
    "gateway.shutdown",
)


@dataclass(frozen=True)
class Event:
    """Something that happened on the gateway to what the caller can see (or could, until now).

    ``type`` is the protocol's: ``object.created``, ``object.version``, ``object.shared``,
    ``object.published``, ``object.unshared``, ``object.deleted``, ``version.removed``,
    ``gateway.shutdown``. A gateway of protocol 2 tells less: ``frame.saved``, ``frame.loaded``,
    ``frame.uploaded``, ``frame.deleted``, ``frame.shared``, ``frame.unshared``.
    """

    type: str
    #: Full name of what it is about (``""`` for the gateway's own events).
    name: str
    #: The user who did it.
    by: str
    #: ``frame``, ``query`` or ``note`` (``""`` for the gateway's own events).
    kind: str = ""
    #: The version made or removed, when the event is about one.
    version: int | None = None
    #: Gateway-wide sequence number (protocol 3); gaps are events about what the caller cannot see.
    seq: int | None = None
    at: datetime | None = None
    #: The notification's params as sent.
    data: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def action(self) -> str:
        """The part after the dot: ``version``, ``shared``, ``saved``, …"""
        return self.type.rpartition(".")[2]

    @classmethod
    def from_notification(cls, method: str, params: Any) -> Event:
        data: Mapping[str, Any] = params if isinstance(params, dict) else {}
        if method == "frames/changed":
            return cls(f"frame.{data.get('action', '')}", str(data.get("name", "")), str(data.get("by", "")), "frame", data=data)
        found = data.get("object")
        subject: Mapping[str, Any] = found if isinstance(found, dict) else {}
        version = data.get("version")
        seq = data.get("seq")
        return cls(
            type=str(data.get("type", "")),
            name=str(subject.get("name", "")),
            by=str(data.get("by", "")),
            kind=str(subject.get("kind", "")),
            version=version if isinstance(version, int) else None,
            seq=seq if isinstance(seq, int) else None,
            at=_time(data.get("at")),
            data=data,
        )


@dataclass(frozen=True)
class Version:
    """One version of a frame (or, on protocol 3, of a query or note)."""

    #: Full name, ``namespace.name``.
    name: str
    version: int
    author: str
    created_at: datetime | None
    row_count: int
    #: The SQL, ``load /path``, ``upload by …``.
    source: str
    #: Whether it is the newest.
    latest: bool
    #: ``present``, or ``removed`` once its data was dropped (protocol 3).
    state: str = "present"
    #: Engine storage its data takes (protocol 3; ``None`` when the gateway does not tell).
    bytes: int | None = None
    #: How it was made, as the gateway records it: ``{"kind": "sql", "sql": …}``, ``{"kind": "upload", …}`` (protocol 3).
    origin: Mapping[str, Any] | None = None

    @property
    def ref(self) -> str:
        return f"{self.name}@{self.version}"

    @classmethod
    def from_wire(cls, name: str, wire: Mapping[str, Any]) -> Version:
        state = wire.get("state")
        return cls(
            name=name,
            version=int(wire["version"]),
            author=str(wire.get("author", "")),
            created_at=_time(wire.get("createdAt")),
            row_count=int(wire.get("rowCount", 0)),
            source=str(wire.get("source", "")),
            latest=bool(wire.get("latest")),
            state=str(state.get("kind", "present")) if isinstance(state, dict) else "present",
            bytes=int(wire["bytes"]) if isinstance(wire.get("bytes"), int) else None,
            origin=wire.get("origin") if isinstance(wire.get("origin"), dict) else None,
        )

    @classmethod
    def from_frame(cls, info: FrameInfo, latest: bool) -> Version:
        return cls(info.name, info.version, info.author, info.created_at, info.row_count, info.source, latest)


class VersionList(Sequence[Version]):
    """Every version of one name, oldest first (``fg.versions(name)``); shows as a table."""

    def __init__(self, versions: Sequence[Version]) -> None:
        self._versions = tuple(versions)

    @overload
    def __getitem__(self, index: int) -> Version: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Version]: ...
    def __getitem__(self, index: int | slice) -> Version | Sequence[Version]:
        return self._versions[index]

    def __len__(self) -> int:
        return len(self._versions)

    def __iter__(self) -> Iterator[Version]:
        return iter(self._versions)

    def __repr__(self) -> str:
        return "\n".join(_display.version_line(v) for v in self._versions) or "no versions"

    def _repr_html_(self) -> str:
        return _display.versions_html(self._versions)


@dataclass(frozen=True)
class LineageNode:
    """One version in a lineage tree, and the versions it was made from (``reads``).

    ``visible`` is false for a version the caller may not read: nothing else about it is told.
    """

    visible: bool
    kind: str
    ref: str = ""
    name: str = ""
    version: int = 0
    author: str = ""
    created_at: datetime | None = None
    origin: Mapping[str, Any] = field(default_factory=dict, compare=False)
    state: str = "present"
    #: The object was deleted since (its versions stay, for lineage).
    deleted: bool = False
    reads: tuple[LineageNode, ...] = ()
    #: Shown in full earlier in the tree (read twice); its reads are not repeated.
    repeated: bool = False
    #: The tree grew past the gateway's bound here: ask for this version's lineage on its own.
    truncated: bool = False

    @classmethod
    def from_wire(cls, wire: Mapping[str, Any]) -> LineageNode:
        if not wire.get("visible"):
            return cls(False, str(wire.get("kind", "")))
        state = wire.get("state")
        origin = wire.get("origin")
        return cls(
            visible=True,
            kind=str(wire.get("kind", "")),
            ref=str(wire.get("ref", "")),
            name=str(wire.get("name", "")),
            version=int(wire.get("version", 0)),
            author=str(wire.get("author", "")),
            created_at=_time(wire.get("createdAt")),
            origin=origin if isinstance(origin, dict) else {},
            state=str(state.get("kind", "present")) if isinstance(state, dict) else "present",
            deleted=bool(wire.get("deleted")),
            reads=tuple(cls.from_wire(r) for r in wire.get("reads") or [] if isinstance(r, dict)),
            repeated=bool(wire.get("repeated")),
            truncated=bool(wire.get("truncated")),
        )

    def walk(self) -> Iterator[LineageNode]:
        """This node and every node under it, depth first."""
        yield self
        for read in self.reads:
            yield from read.walk()

    def __str__(self) -> str:
        return "\n".join(_display.lineage_lines(self))

    def _repr_html_(self) -> str:
        return _display.lineage_html(self)
