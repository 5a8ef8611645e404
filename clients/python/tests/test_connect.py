"""Connecting: where the URL and token come from, refusals, every timeout, interrupts, lost connections."""

from __future__ import annotations

import _thread
import asyncio
import logging
import os
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import framegate

from framegate.credentials import read_credential

from .conftest import CLI, GatewayProcess, start_gateway, stop_gateway, wait_for

#: Runs for minutes unless interrupted.
ENDLESS_SQL = "SELECT sum(hash(a.range + b.range)) AS s FROM range(1000000) a, range(1000000) b"


@pytest.fixture()
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    for name in ("FRAMEGATE_URL", "FRAMEGATE_TOKEN", "FRAMEGATE_CA"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("FRAMEGATE_CONFIG_DIR", str(tmp_path / "no-credentials"))
    return monkeypatch


def outcomes(gateway: GatewayProcess, method: str) -> list[object]:
    return [e.get("outcome") for e in gateway.requests(method)]


def when_started(gateway: GatewayProcess, method: str, then: Callable[[], None]) -> threading.Thread:
    """Calls ``then`` once the gateway has begun one more ``method`` request than now.

    A cancel that reaches the gateway before it dispatches the request is not honoured there (see
    the client README), so the tests cancel what is running, as a person would.
    """
    before = len(gateway.requests(method, "request-start"))

    def watch() -> None:
        wait_for(lambda: len(gateway.requests(method, "request-start")) > before, what=f"{method} to start")
        then()

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


def test_url_from_the_environment_and_token_from_the_saved_credentials(gateway: GatewayProcess, clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("FRAMEGATE_URL", gateway.url)
    clean_env.setenv("FRAMEGATE_CONFIG_DIR", str(gateway.config_dir))
    with framegate.connect() as fg:
        assert fg.url == gateway.url
        assert fg.whoami().user == "admin"
    # The same gateway under another loopback name finds the same credentials.
    with framegate.connect(gateway.url.replace("127.0.0.1", "localhost")) as fg:
        assert fg.whoami().user == "admin"


def test_FRAMEGATE_TOKEN_wins_over_the_file_and_an_explicit_token_over_both(gateway: GatewayProcess, clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("FRAMEGATE_CONFIG_DIR", str(gateway.config_dir))
    clean_env.setenv("FRAMEGATE_TOKEN", gateway.add_user("tess"))
    with framegate.connect(gateway.url) as fg:
        assert fg.whoami().user == "tess"
    with framegate.connect(gateway.url, gateway.add_user("uma")) as fg:
        assert fg.whoami().user == "uma"


def test_no_token_is_an_auth_error_that_says_what_to_do(gateway: GatewayProcess, clean_env: pytest.MonkeyPatch) -> None:
    with pytest.raises(framegate.AuthError) as refused:
        framegate.connect(gateway.url)
    assert refused.value.status == 401
    assert "framegate login" in str(refused.value) and "FRAMEGATE_TOKEN" in str(refused.value)


def test_a_wrong_token_is_an_auth_error(gateway: GatewayProcess, clean_env: pytest.MonkeyPatch) -> None:
    with pytest.raises(framegate.AuthError, match="did not accept your token") as refused:
        framegate.connect(gateway.url, "fgt_not_a_real_token")
    assert refused.value.status == 401 and isinstance(refused.value, framegate.FramegateError)
    assert gateway.connect().whoami().user == "admin"  # a success clears the slow-down for the next tests


def test_nothing_listening_is_a_connect_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(framegate.ConnectError, match="cannot connect"):
        framegate.connect(f"ws://127.0.0.1:{port}", "x")
    with pytest.raises(framegate.ConnectError, match="not a ws:// or wss:// URL"):
        framegate.connect("http://127.0.0.1:1", "x")


def test_the_connect_timeout_fires_when_the_upgrade_is_never_answered() -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)  # the kernel completes the TCP handshake; nobody ever answers HTTP
        started = time.monotonic()
        with pytest.raises(framegate.ConnectError, match="no answer within 0.5 s|timed out"):
            framegate.connect(f"ws://127.0.0.1:{silent.getsockname()[1]}", "x", connect_timeout=0.5)
        assert time.monotonic() - started < 10


def test_the_request_timeout_fires_and_cancels_the_query_on_the_gateway(gateway: GatewayProcess) -> None:
    with gateway.connect(timeout=2) as fg:
        before = len(outcomes(gateway, "query/sql"))
        started = time.monotonic()
        with pytest.raises(framegate.RequestTimeout, match="within 2 s"):
            fg.sql(ENDLESS_SQL)
        assert 2 <= time.monotonic() - started < 10
        gateway.ended_soon("query/sql", before)
        assert fg.whoami().user == "admin"  # the connection goes on


def test_an_interrupt_cancels_the_request_on_the_gateway(gateway: GatewayProcess) -> None:
    """What a notebook's interrupt button does: KeyboardInterrupt in the waiting (main) thread."""
    with gateway.connect() as fg:
        before = len(outcomes(gateway, "query/sql"))
        # interrupt_main only flags the main thread, as a SIGINT landing on another thread does.
        interrupter = when_started(gateway, "query/sql", _thread.interrupt_main)
        with pytest.raises(KeyboardInterrupt):
            fg.sql(ENDLESS_SQL)
        interrupter.join()
        gateway.ended_soon("query/sql", before)
        assert fg.whoami().user == "admin"


def test_a_rotated_token_ends_the_session_with_an_auth_error(gateway: GatewayProcess) -> None:
    fg = gateway.connect(gateway.add_user("rota"))
    try:
        assert fg.whoami().user == "rota"
        gateway.cli("token", "rotate", "rota")
        wait_for(lambda: fg.closed, what="the gateway to close the session")
        with pytest.raises(framegate.AuthError, match="token"):
            fg.whoami()
    finally:
        fg.close()


@pytest.fixture()
def own_gateway() -> Iterator[GatewayProcess]:
    started = start_gateway()
    try:
        yield started
    finally:
        stop_gateway(started)


def test_a_gateway_that_stops_fails_the_waiting_request_and_the_next_ones(own_gateway: GatewayProcess) -> None:
    fg = own_gateway.connect()
    try:
        failures: list[BaseException] = []

        def run() -> None:
            try:
                fg.sql(ENDLESS_SQL)
            except BaseException as error:
                failures.append(error)

        waiting = threading.Thread(target=run)
        waiting.start()
        wait_for(lambda: bool(fg._async._conn._pending), what="the query to be waiting for its answer")
        own_gateway.process.terminate()
        waiting.join(timeout=30)
        assert not waiting.is_alive()
        assert len(failures) == 1
        # Protocol 2 drops the connection under it; protocol 3 first cancels running work, and says so.
        assert isinstance(failures[0], (framegate.ConnectionLost, framegate.Cancelled)), repr(failures[0])
        if isinstance(failures[0], framegate.ConnectionLost):
            assert "the gateway is shutting down" in str(failures[0])
        with pytest.raises(framegate.ConnectionLost, match="connect again"):
            fg.ls()
    finally:
        fg.close()


def test_the_sync_api_works_inside_a_running_event_loop(gateway: GatewayProcess) -> None:
    """As in a Jupyter kernel, whose cells run while its event loop runs."""

    async def cell() -> str:
        asyncio.get_running_loop()  # there is one, running
        with gateway.connect() as fg:
            return fg.whoami().user

    assert asyncio.run(cell()) == "admin"


def test_close_is_idempotent_and_stops_the_io_thread(gateway: GatewayProcess) -> None:
    before = {t.name for t in threading.enumerate() if t.name == "framegate-io"}
    fg = gateway.connect()
    assert fg.whoami().user == "admin"
    fg.close()
    fg.close()
    assert fg.closed
    wait_for(lambda: sum(t.name == "framegate-io" for t in threading.enumerate()) <= len(before), what="the I/O thread to end")
    with pytest.raises(framegate.ConnectionLost):
        fg.ls()


def test_connecting_to_a_gateway_still_starting_waits_until_it_is_ready(caplog: pytest.LogCaptureFixture, tmp_path: Path) -> None:
    """A gateway listens before it is ready, and answers 503 meanwhile: here while it seeds its demo."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = {"FRAMEGATE_CONFIG_DIR": str(tmp_path / "config")}
    args = ["node", str(CLI), "serve", "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(tmp_path / "data"), "--demo"]
    process = subprocess.Popen(args, env={**os.environ, **config, "FRAMEGATE_ADMIN_NAME": "admin"}, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"ws://127.0.0.1:{port}"
        # The admin's token is saved as soon as the admin exists; the demo's million rows come after.
        wait_for(lambda: read_credential(url, config) is not None, timeout=60, what="the admin's credentials")
        credential = read_credential(url, config)
        assert credential is not None
        with caplog.at_level(logging.DEBUG, logger="framegate"), framegate.connect(url, credential.token, connect_timeout=60) as fg:
            assert fg.whoami().user == "admin"
            assert "main.sales" in fg.ls().names
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert any("not ready (HTTP 503)" in r.getMessage() for r in caplog.records)
