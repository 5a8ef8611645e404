"""Errors: every failure is a ``FramegateError``; the gateway's own carry its protocol code.

The codes mirror ``protocol/errors.ts`` (checked against ``test/fixtures/protocol/error-codes.json``).
Catch a family (``NotFound``, ``SqlError``) or one kind (``FrameNotFound``); ``err.code``, ``err.kind``
and ``err.detail`` say exactly what the gateway answered.
"""

from __future__ import annotations

from typing import Any


class FramegateError(Exception):
    """Base of every Framegate error. ``code`` is the protocol's (``None`` for client-side failures)."""

    code: int | None = None
    kind: str = "FramegateError"

    def __init__(self, message: str, *, code: int | None = None, detail: Any = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.detail = detail

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"


# -- Client side: reaching the gateway -----------------------------------------------------------


class ConnectError(FramegateError, ConnectionError):
    """The gateway could not be reached at all (as opposed to an error it answered with)."""

    kind = "ConnectError"


class AuthError(FramegateError):
    """The gateway refused the token: none, wrong, rotated or revoked, or its user was removed.

    Raised for the HTTP 401 (and 403) answer to the connection, and when a connected session's token
    stops working. ``status`` is the HTTP status when there was one.
    """

    kind = "Unauthorized"
    code = 1041

    def __init__(self, message: str, *, status: int | None = None, code: int | None = None, detail: Any = None) -> None:
        super().__init__(message, code=code, detail=detail)
        self.status = status


class ConnectionLost(FramegateError, ConnectionError):
    """The connection to the gateway ended while a request was waiting (or before it was sent)."""

    kind = "ConnectionLost"


class RequestTimeout(FramegateError, TimeoutError):
    """No answer within the client's own timeout; the request was cancelled on the gateway."""

    kind = "RequestTimeout"


class EventsLost(FramegateError):
    """A watch held more unread events than it may; it stopped. Call ``watch()`` again (and ``ls()``)."""

    kind = "EventsLost"


# -- Families ------------------------------------------------------------------------------------


class NotFound(FramegateError, LookupError):
    """Something named does not exist, or is not yours to see (the two are never told apart)."""


class SqlError(FramegateError):
    """The SQL did not run: it does not parse, is not allowed, timed out or failed."""


class Refused(FramegateError):
    """The gateway will not do this: not allowed, too large, over a limit."""


class RequestError(FramegateError):
    """The request itself was malformed (a client bug, or a gateway of another version)."""


# -- One class per protocol code -----------------------------------------------------------------


class ParseError(RequestError):
    code, kind = -32700, "ParseError"


class InvalidRequest(RequestError):
    code, kind = -32600, "InvalidRequest"


class MethodNotFound(RequestError):
    code, kind = -32601, "MethodNotFound"


class InvalidParams(RequestError, ValueError):
    code, kind = -32602, "InvalidParams"


class InternalError(FramegateError):
    code, kind = -32603, "InternalError"


class FrameNotFound(NotFound):
    code, kind = 1001, "FrameNotFound"


class FrameExists(FramegateError):
    code, kind = 1002, "FrameExists"


class ResultNotFound(NotFound):
    code, kind = 1003, "ResultNotFound"


class ColumnNotFound(NotFound):
    code, kind = 1004, "ColumnNotFound"


class AmbiguousName(FramegateError):
    """A bare frame name matches frames in several namespaces; ``detail["candidates"]`` lists them."""

    code, kind = 1005, "AmbiguousName"


class UserNotFound(NotFound):
    code, kind = 1006, "UserNotFound"


class GroupNotFound(NotFound):
    code, kind = 1007, "GroupNotFound"


class NameTaken(FramegateError):
    code, kind = 1008, "NameTaken"


class InvalidSql(SqlError):
    code, kind = 1010, "InvalidSql"


class SqlRefused(SqlError):
    code, kind = 1011, "SqlRefused"


class QueryTimeout(SqlError, TimeoutError):
    code, kind = 1012, "QueryTimeout"


class QueryFailed(SqlError):
    code, kind = 1013, "QueryFailed"


class Cancelled(FramegateError):
    code, kind = 1014, "Cancelled"


class FileRefused(Refused):
    code, kind = 1020, "FileRefused"


class FileNotFound(NotFound):
    code, kind = 1021, "FileNotFound"


class TooLarge(Refused):
    code, kind = 1030, "TooLarge"


class BadAttachment(RequestError):
    code, kind = 1031, "BadAttachment"


class OutOfMemory(Refused):
    code, kind = 1032, "OutOfMemory"


class LimitReached(Refused):
    code, kind = 1033, "LimitReached"


class Forbidden(Refused, PermissionError):
    code, kind = 1040, "Forbidden"


class Unauthorized(AuthError):
    code, kind = 1041, "Unauthorized"


class Conflict(FramegateError):
    code, kind = 1050, "Conflict"


class ShuttingDown(FramegateError):
    """The gateway is stopping and takes no new work; connect again once it is back."""

    code, kind = 1060, "ShuttingDown"


#: Protocol code → error class, for every code the protocol defines.
ERROR_CLASSES: dict[int, type[FramegateError]] = {
    cls.code: cls
    for cls in (
        ParseError,
        InvalidRequest,
        MethodNotFound,
        InvalidParams,
        InternalError,
        FrameNotFound,
        FrameExists,
        ResultNotFound,
        ColumnNotFound,
        AmbiguousName,
        UserNotFound,
        GroupNotFound,
        NameTaken,
        InvalidSql,
        SqlRefused,
        QueryTimeout,
        QueryFailed,
        Cancelled,
        FileRefused,
        FileNotFound,
        TooLarge,
        BadAttachment,
        OutOfMemory,
        LimitReached,
        Forbidden,
        Unauthorized,
        Conflict,
        ShuttingDown,
    )
    if cls.code is not None
}


def error_from_reply(error: Any) -> FramegateError:
    """The exception for a JSON-RPC error object (``{"code", "message", "data": {"kind", "detail"}}``)."""
    if not isinstance(error, dict):
        return InternalError(f"the gateway answered with a malformed error: {error!r}")
    code = error.get("code")
    message = error.get("message")
    data = error.get("data")
    detail = data.get("detail") if isinstance(data, dict) else None
    text = message if isinstance(message, str) else "the gateway answered with an error"
    cls = ERROR_CLASSES.get(code) if isinstance(code, int) else None
    if cls is None:
        # A code this client does not know (a newer gateway): keep it, with the gateway's kind name.
        unknown = FramegateError(text, code=code if isinstance(code, int) else None, detail=detail)
        if isinstance(data, dict) and isinstance(data.get("kind"), str):
            unknown.kind = data["kind"]
        return unknown
    return cls(text, detail=detail)
