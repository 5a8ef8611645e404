"""``watch()``: events about frames the watcher can see, as they happen, and only those."""

from __future__ import annotations

from collections.abc import Callable

import pyarrow as pa
import pytest

import framegate

from .conftest import GatewayProcess, start_gateway, stop_gateway

Unique = Callable[[str], str]
DATA = pa.table({"n": [1, 2]})
WAIT_S = 20


def types(fg: framegate.Gateway) -> dict[str, str]:
    """What each change is called by this gateway's protocol."""
    if fg.protocol_version >= 3:
        return {"upload": "object.created", "new version": "object.version", "share": "object.shared", "unshare": "object.unshared"}
    return {"upload": "frame.uploaded", "new version": "frame.saved", "share": "frame.shared", "unshare": "frame.unshared"}


def next_about(watch: framegate.Watch, name: str) -> framegate.Event:
    """The next event about ``name`` (events about other tests' frames are skipped)."""
    while True:
        event = watch.get(timeout=WAIT_S)
        assert event is not None
        if event.name == name:
            return event


def test_events_of_a_frame_shared_with_the_watcher(gateway: GatewayProcess, unique: Unique) -> None:
    with gateway.connect(gateway.add_user("eve")) as eve, gateway.connect(gateway.add_user("fred")) as fred, fred.watch() as events:
        called = types(fred)
        name = eve.save(unique("watched"), DATA).name
        eve.share(name, "fred")
        shared = next_about(events, name)
        assert (shared.type, shared.by, shared.kind) == (called["share"], "eve", "frame")
        eve.sql(f"SELECT n * 2 AS n FROM {name}").save(name, replace=True)
        version = next_about(events, name)
        assert version.type == called["new version"]
        if fred.protocol_version >= 3:
            assert version.version == 2 and version.seq is not None and shared.seq is not None and version.seq > shared.seq
        eve.unshare(name, "fred")
        assert next_about(events, name).type == called["unshare"]


def test_no_events_about_frames_the_watcher_cannot_see(gateway: GatewayProcess, unique: Unique) -> None:
    with gateway.connect(gateway.add_user("gil")) as gil, gateway.connect(gateway.add_user("hana")) as hana, hana.watch() as events:
        hidden = gil.save(unique("hidden"), DATA).name
        visible = gil.save(unique("visible"), DATA).name
        gil.publish(visible)
        # Events come in order: by the time the published one arrives, one about the hidden frame would have too.
        seen = []
        while True:
            event = events.get(timeout=WAIT_S)
            assert event is not None
            seen.append(event.name)
            if event.name == visible:
                break
        assert hidden not in seen


def test_a_watch_ends_when_closed_and_times_out_when_asked(gateway: GatewayProcess) -> None:
    with gateway.connect() as fg:
        watch = fg.watch()
        with pytest.raises(TimeoutError):
            watch.get(timeout=0.2)
        watch.close()
        assert watch.get() is None
        assert list(watch) == []


def test_a_watch_raises_when_the_gateway_goes_away() -> None:
    own = start_gateway()
    try:
        fg = own.connect()
        watch = fg.watch()
        own.process.terminate()
        with pytest.raises(framegate.ConnectionLost, match="shutting down"):
            for _ in watch:
                pass
        fg.close()
    finally:
        stop_gateway(own)


def test_a_watch_nobody_reads_stops_instead_of_growing(gateway: GatewayProcess, unique: Unique, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(framegate.aio, "MAX_UNREAD_EVENTS", 3)
    with gateway.connect() as fg, fg.watch() as unread, fg.watch() as read:
        name = fg.save(unique("flood"), DATA).name
        assert next_about(read, name).name == name
        for _ in range(4):
            fg.save(name, DATA, replace=True)
            # Read as it comes: this watch never holds more than one.
            assert next_about(read, name).name == name
        # The other held three, then stopped at its bound, and says so.
        with pytest.raises(framegate.EventsLost, match="went unread"):
            while True:
                unread.get(timeout=WAIT_S)
