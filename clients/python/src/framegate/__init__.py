"""Framegate for Python: a team's shared dataframes in pandas, polars or pyarrow, SQL where the data lives.

>>> import framegate
>>> fg = framegate.connect()                      # FRAMEGATE_URL / FRAMEGATE_TOKEN, or `framegate login`
>>> sales = fg.frame("alice.sales").to_pandas()
>>> top = fg.sql("SELECT region, sum(amount) AS total FROM alice.sales GROUP BY region")
>>> top.save("sales_by_region")
>>> fg.publish("sales_by_region")

``framegate.aio`` is the same API for ``await``.
"""

from __future__ import annotations

from ._sync import Frame, Gateway, Result, Watch, connect
from ._types import Column, Event, FrameInfo, FrameList, GatewayInfo, Grant, LineageNode, Schema, Version, VersionList, WhoAmI
from .errors import (
    AmbiguousName,
    AuthError,
    BadAttachment,
    Cancelled,
    ColumnNotFound,
    Conflict,
    ShuttingDown,
    ConnectError,
    ConnectionLost,
    EventsLost,
    FileNotFound,
    FileRefused,
    Forbidden,
    FrameExists,
    FramegateError,
    FrameNotFound,
    GroupNotFound,
    InternalError,
    InvalidParams,
    InvalidRequest,
    InvalidSql,
    LimitReached,
    MethodNotFound,
    NameTaken,
    NotFound,
    OutOfMemory,
    ParseError,
    QueryFailed,
    QueryTimeout,
    Refused,
    RequestError,
    RequestTimeout,
    ResultNotFound,
    SqlError,
    SqlRefused,
    TooLarge,
    Unauthorized,
    UserNotFound,
)

__version__ = "0.1.0"

__all__ = [
    "AmbiguousName",
    "AuthError",
    "BadAttachment",
    "Cancelled",
    "Column",
    "ColumnNotFound",
    "Conflict",
    "ShuttingDown",
    "ConnectError",
    "ConnectionLost",
    "Event",
    "EventsLost",
    "FileNotFound",
    "FileRefused",
    "Forbidden",
    "Frame",
    "FrameExists",
    "FrameInfo",
    "FrameList",
    "FrameNotFound",
    "FramegateError",
    "Gateway",
    "GatewayInfo",
    "Grant",
    "GroupNotFound",
    "InternalError",
    "InvalidParams",
    "InvalidRequest",
    "InvalidSql",
    "LimitReached",
    "LineageNode",
    "MethodNotFound",
    "NameTaken",
    "NotFound",
    "OutOfMemory",
    "ParseError",
    "QueryFailed",
    "QueryTimeout",
    "Refused",
    "RequestError",
    "RequestTimeout",
    "Result",
    "ResultNotFound",
    "Schema",
    "SqlError",
    "SqlRefused",
    "TooLarge",
    "Unauthorized",
    "UserNotFound",
    "Version",
    "VersionList",
    "Watch",
    "WhoAmI",
    "__version__",
    "connect",
]
