"""A real gateway for the tests: ``node dist/cli.js serve`` of this repository, on a free loopback
port, with a data dir and a config dir (``FRAMEGATE_CONFIG_DIR``) of its own.

The gateway writes its first admin's token to that config dir, as it would for a person; users are
added with the real CLI (``framegate user add``). ``npm run build`` must have made ``dist/cli.js``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import framegate
from framegate.credentials import read_credential

REPO = Path(__file__).resolve().parents[3]
#: The gateway under test: this repository's build, or another one (FRAMEGATE_TEST_CLI), e.g. a branch's.
CLI = Path(os.environ.get("FRAMEGATE_TEST_CLI") or REPO / "dist" / "cli.js")
FIXTURES = REPO / "test" / "fixtures" / "protocol"
START_TIMEOUT_S = 60


@dataclass
class GatewayProcess:
    url: str
    config_dir: Path
    data_dir: Path
    admin_token: str
    process: subprocess.Popen[str]
    log_reader: threading.Thread
    log: list[str] = field(default_factory=list)
    tokens: dict[str, str] = field(default_factory=dict)

    def cli(self, *args: str, token: str | None = None) -> dict[str, object]:
        """Runs the real ``framegate`` CLI against this gateway and returns its ``--json`` answer."""
        env = {**os.environ, "FRAMEGATE_CONFIG_DIR": str(self.config_dir)}
        env.pop("FRAMEGATE_TOKEN", None)
        if token:
            env["FRAMEGATE_TOKEN"] = token
        done = subprocess.run(["node", str(CLI), "--url", self.url, "--json", *args], env=env, capture_output=True, text=True, timeout=60)
        if done.returncode != 0:
            raise AssertionError(f"framegate {' '.join(args)} exited {done.returncode}: {done.stderr}")
        answer = json.loads(done.stdout)
        assert isinstance(answer, dict)
        return answer

    def add_user(self, name: str, *flags: str) -> str:
        """Adds a user (as the admin, through the CLI) once per gateway and returns their token."""
        if name not in self.tokens:
            token = self.cli("user", "add", name, *flags)["token"]
            assert isinstance(token, str)
            self.tokens[name] = token
        return self.tokens[name]

    def connect(self, token: str | None = None, **options: object) -> framegate.Gateway:
        return framegate.connect(self.url, token or self.admin_token, **options)  # type: ignore[arg-type]

    def ended_soon(self, method: str, before: int, within_ms: float = 15_000) -> dict[str, object]:
        """The entry of the first ``method`` request to end after the ``before``-th: it must not be ``ok``
        (it was cancelled), and must have ended well before the gateway's own 60 s query timeout."""
        wait_for(lambda: len(self.requests(method)) > before, what=f"the gateway to end the cancelled {method}")
        entry = self.requests(method)[before]
        assert entry.get("outcome") != "ok", entry
        duration = entry.get("ms")
        assert isinstance(duration, (int, float)) and duration < within_ms, entry
        return entry

    def requests(self, method: str, event: str = "request") -> list[dict[str, object]]:
        """Log entries of ``method``: ``request-start`` when it began, ``request`` (with its outcome) when it ended."""
        return [e for e in self.logged(event) if e.get("method") == method]

    def logged(self, event: str) -> list[dict[str, object]]:
        entries = []
        for line in list(self.log):
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if isinstance(entry, dict) and entry.get("event") == event:
                entries.append(entry)
        return entries


def start_gateway(*args: str) -> GatewayProcess:
    if not CLI.exists():
        raise RuntimeError(f"{CLI} is missing: run `npm run build` in {REPO} first")
    data_dir = Path(tempfile.mkdtemp(prefix="framegate-py-data-"))
    config_dir = Path(tempfile.mkdtemp(prefix="framegate-py-config-"))
    env = {**os.environ, "FRAMEGATE_CONFIG_DIR": str(config_dir), "FRAMEGATE_ADMIN_NAME": "admin"}
    process = subprocess.Popen(
        # Debug logs say when a request starts on the gateway: tests of cancelling wait for that.
        ["node", str(CLI), "serve", "--host", "127.0.0.1", "--port", "0", "--data-dir", str(data_dir), "--log-level", "debug", *args],
        cwd=REPO,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    log: list[str] = []
    listening = threading.Event()
    url: list[str] = []

    def read_log() -> None:
        # Read to the end, always: a full pipe would stall the gateway.
        assert process.stderr is not None
        for line in process.stderr:
            log.append(line.rstrip("\n"))
            if not listening.is_set() and '"listening"' in line:
                try:
                    url.append(json.loads(line)["url"])
                    listening.set()
                except (ValueError, KeyError):
                    pass

    reader = threading.Thread(target=read_log, daemon=True)
    reader.start()
    deadline = time.monotonic() + START_TIMEOUT_S
    while not listening.wait(0.1):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            process.wait()
            raise RuntimeError("the gateway did not start:\n" + "\n".join(log))
    credential = read_credential(url[0], {"FRAMEGATE_CONFIG_DIR": str(config_dir)})
    assert credential is not None, f"the gateway wrote no admin credentials to {config_dir}"
    return GatewayProcess(url[0], config_dir, data_dir, credential.token, process, reader, log)


def stop_gateway(gateway: GatewayProcess) -> None:
    if gateway.process.poll() is None:
        gateway.process.terminate()
        try:
            gateway.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            gateway.process.kill()
            gateway.process.wait()
    # The log reader ends at the pipe's end, once the gateway has exited.
    gateway.log_reader.join(timeout=15)
    if gateway.process.stderr is not None:
        gateway.process.stderr.close()
    shutil.rmtree(gateway.data_dir, ignore_errors=True)
    shutil.rmtree(gateway.config_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def gateway() -> Iterator[GatewayProcess]:
    started = start_gateway()
    try:
        yield started
    finally:
        stop_gateway(started)


@pytest.fixture(scope="session")
def admin(gateway: GatewayProcess) -> Iterator[framegate.Gateway]:
    fg = gateway.connect()
    try:
        yield fg
    finally:
        fg.close()


@pytest.fixture()
def unique() -> Callable[[str], str]:
    """Frame names no other test uses (tests share one gateway)."""
    return lambda base: f"{base}_{uuid.uuid4().hex[:8]}"


def wait_for(condition: Callable[[], object], timeout: float = 20.0, what: str = "condition") -> None:
    """Polls until ``condition()`` is true; fails after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)
