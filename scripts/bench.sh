#!/usr/bin/env bash
# `pnpm bench [--node <major>] [--quick] [--only group,…] [--against celery] [--scale]`: builds the bench and the packages
# it runs, then runs it on the machine's Node, or on Node <major> installed from the npm
# registry by scripts/node-bin.sh (so docs/PERFORMANCE.md can compare Node lines).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
args=()
while [ "$#" -gt 0 ]; do
  case "$1" in
    --node) node_major="${2:?--node needs a major version, e.g. --node 24}"; shift 2 ;;
    --node=*) node_major="${1#--node=}"; shift ;;
    --) shift ;;
    *) args+=("$1"); shift ;;
  esac
done
if [ -n "${node_major:-}" ]; then
  bin="$("$root/scripts/node-bin.sh" "$node_major")"
  export PATH="$bin:$PATH"
fi
cd "$root"
echo "bench: Node $(node --version)" >&2
pnpm --filter '@tasks/bench^...' run build
pnpm --filter @tasks/bench run bench "${args[@]}"
