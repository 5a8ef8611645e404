"""The shared protocol vectors (test/fixtures/protocol) against the Python side: the same files the
TypeScript tests check (test/protocol/fixtures.test.ts), so the two clients stay byte-compatible."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

import framegate
from framegate._arrow import table_from_parts, write_upload
from framegate._attachments import AttachmentInbox, PartWriter, attachment_frames, decode_attachment_frame, encode_attachment_frame
from framegate._types import Event
from framegate.credentials import gateway_key, read_credential
from framegate.errors import ERROR_CLASSES, error_from_reply

from .conftest import FIXTURES


def data(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


MANIFEST = load("manifest.json")


def canonical(value: Any) -> Any:
    """Python values in the vectors' JSON spelling."""
    if isinstance(value, datetime):
        text = value.isoformat()
        return text[:-3] if "." in text else text  # microseconds → milliseconds, as in sample.json
    if isinstance(value, date):
        return value.isoformat()
    return value


@pytest.mark.parametrize("vector", MANIFEST["framing"], ids=lambda v: v["name"])
def test_framing_makes_exactly_the_vectors_bytes(vector: dict[str, Any]) -> None:
    payload = b"" if vector["payload"] is None else data(vector["payload"])
    if "payloadBytes" in vector:
        payload = payload[: vector["payloadBytes"]]
    expected = [data(f) for f in vector["frames"]]
    assert list(attachment_frames(vector["id"], payload, vector["partBytes"])) == expected
    # The streaming writer an upload goes through cuts the same bytes the same way, however they are handed to it.
    streamed: list[bytes] = []
    writer = PartWriter(vector["id"], vector["partBytes"], streamed.append)
    for offset in range(0, len(payload), 7):
        writer.write(payload[offset : offset + 7])
    writer.finish()
    assert streamed == expected
    parts = [decode_attachment_frame(f) for f in expected]
    assert {p.id for p in parts} == {vector["id"]}
    assert [p.final for p in parts] == [i == len(parts) - 1 for i in range(len(parts))]
    assert b"".join(bytes(p.payload) for p in parts) == payload


def test_the_header_is_u32_le_id_then_u32_le_flags() -> None:
    assert encode_attachment_frame(0x01020304, b"\xff", True) == bytes([4, 3, 2, 1, 1, 0, 0, 0, 0xFF])
    with pytest.raises(framegate.BadAttachment, match="shorter than the attachment header"):
        decode_attachment_frame(b"\x01\x00\x00")


def test_a_recorded_export_reassembles_and_decodes_to_the_sample_rows() -> None:
    export = MANIFEST["export"]
    inbox = AttachmentInbox(1 << 20)
    for frame in export["frames"]:
        inbox.receive(data(frame))
    reply = load(export["reply"])["result"]
    parts = inbox.take(reply["attachment"])
    assert b"".join(bytes(p) for p in parts) == data(export["payload"])
    assert sum(len(p) for p in parts) == reply["bytes"]
    assert inbox.held == 0
    table = table_from_parts(parts)
    sample = load(export["expected"])
    assert table.num_rows == reply["rows"]
    assert table.column_names == [c["name"] for c in sample["columns"]]
    rows = [{k: canonical(v) for k, v in row.items()} for row in table.to_pylist()]
    assert rows == sample["rows"]


def test_an_attachment_not_finished_or_never_sent_is_a_bad_attachment() -> None:
    inbox = AttachmentInbox(1 << 20)
    inbox.receive(data(MANIFEST["framing"][0]["frames"][0]))
    with pytest.raises(framegate.BadAttachment, match="has not finished arriving"):
        inbox.take(7)
    with pytest.raises(framegate.BadAttachment, match="never arrived"):
        inbox.take(8)


def test_the_inbox_is_bounded() -> None:
    inbox = AttachmentInbox(500)
    frames = [data(f) for f in MANIFEST["framing"][0]["frames"]]
    inbox.receive(frames[0])
    with pytest.raises(framegate.TooLarge):
        inbox.receive(frames[1])


def test_every_protocol_error_code_has_its_class_and_kind() -> None:
    codes: dict[str, int] = load("error-codes.json")
    assert {cls.code: cls.kind for cls in ERROR_CLASSES.values()} == {code: kind for kind, code in codes.items()}
    for kind, code in codes.items():
        assert ERROR_CLASSES[code].__name__ == kind


@pytest.mark.parametrize(
    ("file", "cls", "family", "detail"),
    [
        ("error-frame-not-found.json", framegate.FrameNotFound, framegate.NotFound, {"name": "nobody.nothing"}),
        ("error-sql-refused.json", framegate.SqlRefused, framegate.SqlError, {"function": "getenv"}),
    ],
)
def test_error_replies_become_exceptions_with_the_gateways_code_kind_and_detail(file: str, cls: type[framegate.FramegateError], family: type[Exception], detail: Any) -> None:
    reply = load(file)["error"]
    error = error_from_reply(reply)
    assert type(error) is cls
    assert isinstance(error, family) and isinstance(error, framegate.FramegateError)
    assert (error.code, error.kind, error.detail, str(error)) == (reply["code"], reply["data"]["kind"], detail, reply["message"])


def test_an_unknown_code_keeps_the_gateways_code_and_kind() -> None:
    error = error_from_reply({"code": 1999, "message": "new", "data": {"kind": "SomethingNew"}})
    assert type(error) is framegate.FramegateError
    assert (error.code, error.kind, str(error)) == (1999, "SomethingNew", "new")


def test_gateway_keys_are_the_vectors_keys() -> None:
    for url, key in load("gateway-keys.json")["keys"]:
        if key is None:
            with pytest.raises(ValueError):
                gateway_key(url)
        else:
            assert gateway_key(url) == key, url


def test_credential_lookups_find_the_vectors_users() -> None:
    env = {"FRAMEGATE_CONFIG_DIR": str(FIXTURES / "credentials")}
    for url, user in load("gateway-keys.json")["lookups"]["cases"]:
        found = read_credential(url, env)
        assert (found.user if found else None) == user, url


def test_a_corrupt_credentials_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "credentials.json").write_text("{not json")
    with pytest.raises(framegate.FramegateError, match="credentials.json is not valid JSON"):
        read_credential("ws://127.0.0.1:7878", {"FRAMEGATE_CONFIG_DIR": str(tmp_path)})


def test_this_client_frames_the_python_upload_vector_as_committed() -> None:
    """The vector the TypeScript test feeds to the gateway's decoder is what this client sends."""
    upload = load("python-upload/manifest.json")
    inbox = AttachmentInbox(1 << 20)
    for frame in upload["frames"]:
        inbox.receive(data(frame))
    committed = table_from_parts(inbox.take(upload["id"]))
    frames: list[bytes] = []
    write_upload(committed, PartWriter(upload["id"], upload["partBytes"], frames.append))
    assert [len(f) for f in frames] == [len(data(f)) for f in upload["frames"]]
    resent = AttachmentInbox(1 << 20)
    for frame in frames:
        resent.receive(frame)
    assert table_from_parts(resent.take(upload["id"])).equals(committed)
    # Large offsets and views go out as the classic layouts every reader takes.
    assert committed.schema.field("name").type == pa.string()


def test_a_frames_changed_notification_is_an_event() -> None:
    event = Event.from_notification("frames/changed", {"action": "shared", "name": "alice.sales", "by": "alice"})
    assert (event.type, event.action, event.name, event.by, event.kind) == ("frame.shared", "shared", "alice.sales", "alice", "frame")


def test_a_protocol_3_event_is_an_event() -> None:
    params = {"seq": 7, "at": "2026-01-02T03:04:05.000Z", "by": "bob", "type": "object.version", "object": {"kind": "frame", "name": "bob.t"}, "version": 4}
    event = Event.from_notification("events/event", params)
    assert (event.type, event.action, event.name, event.by, event.kind, event.version, event.seq) == ("object.version", "version", "bob.t", "bob", "frame", 4, 7)
    assert event.at is not None and event.at.year == 2026
