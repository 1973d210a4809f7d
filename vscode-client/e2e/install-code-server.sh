#!/usr/bin/env bash
# Installs code-server 4.100.3 (a real VS Code 1.100 workbench, the newest that runs on
# Node 20) outside the clone and prints its launcher path. Reused when already present.
#
# Offline-safe: @vscode/ripgrep's postinstall downloads rg from GitHub, which is not
# reachable here, so its download cache is seeded with Debian's rg first.
# Needs: node 20, npm, rg, and the headers of libkrb5/libx11/libxkbfile/libsecret.
set -euo pipefail
CODE_SERVER_VERSION="4.100.3"
CACHE="${CRUDSMITH_CACHE:-$HOME/.cache/crudsmith}"
PREFIX="${CODE_SERVER_PREFIX:-$CACHE/code-server-$CODE_SERVER_VERSION}"
BIN="$PREFIX/node_modules/.bin/code-server"
export npm_config_cache="${npm_config_cache:-$CACHE/npm}"

if [ -x "$BIN" ] && [ -f "$PREFIX/.complete" ]; then
  echo "$BIN"
  exit 0
fi

# Seed @vscode/ripgrep's download cache (the version pinned by code-server's shrinkwrap).
RG="$(command -v rg)"
TMP="$(node -p 'require("os").tmpdir()')"
for rg_version in 1.15.11; do
  seed="$TMP/vscode-ripgrep-cache-$rg_version"
  asset="$seed/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
  if [ ! -s "$asset" ]; then
    mkdir -p "$seed/rg-staging"
    cp "$RG" "$seed/rg-staging/rg"
    tar -C "$seed/rg-staging" -czf "$asset" rg
    rm -rf "$seed/rg-staging"
  fi
done

rm -rf "$PREFIX"
mkdir -p "$PREFIX"
# code-server's postinstall refuses to run as root unless unsafe-perm is set, and
# node-pty's install asks a question: answer yes.
(
  cd "$PREFIX"
  echo '{"name":"crudsmith-code-server","private":true}' > package.json
  npm_config_yes=true npm_config_unsafe_perm=true \
    npm install --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION" >&2
)
touch "$PREFIX/.complete"
echo "$BIN"
