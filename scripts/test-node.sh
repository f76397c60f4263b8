#!/usr/bin/env bash
# Runs the test suite (`pnpm test`: build, then jest) on Node <major>, installed from the npm
# registry by scripts/node-bin.sh. Extra arguments go to jest.
#   scripts/test-node.sh 24
#   scripts/test-node.sh 26 packages/core --maxWorkers=2
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
major="${1:?usage: scripts/test-node.sh <major> [jest arguments], e.g. 24}"
shift
bin="$("$root/scripts/node-bin.sh" "$major")"
export PATH="$bin:$PATH"
cd "$root"
echo "Node $(node --version) ($bin/node)"
pnpm test "$@"
