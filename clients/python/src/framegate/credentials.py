"""The local credentials file the CLI and the VS Code extension use (``rpc/credentials.ts``).

``credentials.json`` in the user's config directory, keyed by gateway URL:
``{"version": 1, "gateways": {"ws://127.0.0.1:7878": {"user", "token", "savedAt"}}}``. A gateway
writes its first admin's token there and ``framegate login`` adds one; this client only reads it.

Location: ``$FRAMEGATE_CONFIG_DIR``, else ``$XDG_CONFIG_HOME/framegate`` (``~/.config/framegate``) on
Linux, ``~/Library/Application Support/framegate`` on macOS, ``%APPDATA%\\framegate`` on Windows.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from .errors import FramegateError

_LOOPBACK_NAMES = {"localhost", "127.0.0.1", "[::1]", "::1"}


@dataclass(frozen=True)
class SavedCredential:
    user: str
    token: str
    saved_at: str | None = None


def config_dir(env: Mapping[str, str] | None = None, platform: str | None = None) -> Path:
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    if env.get("FRAMEGATE_CONFIG_DIR"):
        return Path(env["FRAMEGATE_CONFIG_DIR"])
    home = Path(env.get("HOME") or Path.home())
    if platform == "win32":
        return Path(env.get("APPDATA") or home / "AppData" / "Roaming") / "framegate"
    if platform == "darwin":
        return home / "Library" / "Application Support" / "framegate"
    return Path(env.get("XDG_CONFIG_HOME") or home / ".config") / "framegate"


def credentials_path(env: Mapping[str, str] | None = None, platform: str | None = None) -> Path:
    return config_dir(env, platform) / "credentials.json"


def gateway_key(url: str) -> str:
    """Scheme, host and port of a gateway URL, lower case, loopback names folded into 127.0.0.1.

    The same key as ``gatewayKey`` in TypeScript: a gateway on loopback is the same one under any of
    its names. Raises ``ValueError`` for what is not a URL with a host.
    """
    parts = urlsplit(url.strip())
    if not parts.scheme or not parts.hostname:
        raise ValueError(f"not a gateway URL: {url!r}")
    scheme = parts.scheme.lower()
    host = parts.hostname.lower()
    if host in _LOOPBACK_NAMES:
        host = "127.0.0.1"
    port = parts.port  # raises ValueError for a port that is not a number in range
    port_text = str(port) if port is not None else ("443" if scheme == "wss" else "80")
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"{scheme}://{host}:{port_text}"


def read_credential(url: str, env: Mapping[str, str] | None = None) -> SavedCredential | None:
    """The credential saved for ``url``, if any. A missing or unreadable file means none."""
    try:
        key = gateway_key(url)
    except ValueError:
        return None
    try:
        text = credentials_path(env).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    try:
        parsed = json.loads(text)
    except ValueError as error:
        raise FramegateError(f"{credentials_path(env)} is not valid JSON ({error}); fix or delete it, then run framegate login") from None
    gateways = parsed.get("gateways") if isinstance(parsed, dict) else None
    entry = gateways.get(key) if isinstance(gateways, dict) else None
    if not isinstance(entry, dict) or not isinstance(entry.get("token"), str):
        return None
    user = entry.get("user")
    saved_at = entry.get("savedAt")
    return SavedCredential(user if isinstance(user, str) else "", entry["token"], saved_at if isinstance(saved_at, str) else None)
