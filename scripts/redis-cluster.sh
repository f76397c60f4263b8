#!/usr/bin/env bash
# Starts or stops a Redis Cluster of three masters (no replicas, nothing on disk) on
# loopback, for the cluster tests and `pnpm bench --scale`:
#   scripts/redis-cluster.sh start   # 127.0.0.1:7000-7002, or the ports in REDIS_CLUSTER_PORTS
#   scripts/redis-cluster.sh stop
# `start` is idempotent: a cluster already up on those ports is left as it is.
# Tests read the nodes from REDIS_CLUSTER_NODES (default 127.0.0.1:7000,127.0.0.1:7001,127.0.0.1:7002).
set -euo pipefail
ports=(${REDIS_CLUSTER_PORTS:-7000 7001 7002})
dir="${REDIS_CLUSTER_DIR:-${TMPDIR:-/tmp}/tasks-redis-cluster}"

cli() { redis-cli -h 127.0.0.1 -p "$1" "${@:2}"; }

cluster_ok() {
  [ "$(cli "${ports[0]}" cluster info 2>/dev/null | tr -d '\r' | sed -n 's/^cluster_state://p')" = ok ] &&
    [ "$(cli "${ports[0]}" cluster info 2>/dev/null | tr -d '\r' | sed -n 's/^cluster_known_nodes://p')" = "${#ports[@]}" ]
}

start() {
  if cluster_ok; then echo "redis cluster: already up on ${ports[*]}"; return; fi
  mkdir -p "$dir"
  for port in "${ports[@]}"; do
    if ! cli "$port" ping >/dev/null 2>&1; then
      rm -f "$dir/nodes-$port.conf"
      redis-server --port "$port" --bind 127.0.0.1 --cluster-enabled yes --cluster-config-file "$dir/nodes-$port.conf" \
        --cluster-node-timeout 2000 --save "" --appendonly no --daemonize yes --dir "$dir" \
        --pidfile "$dir/redis-$port.pid" --logfile "$dir/redis-$port.log"
    fi
  done
  for port in "${ports[@]}"; do
    for _ in $(seq 1 100); do cli "$port" ping >/dev/null 2>&1 && break; sleep 0.05; done
  done
  local nodes=()
  for port in "${ports[@]}"; do nodes+=("127.0.0.1:$port"); done
  redis-cli --cluster create "${nodes[@]}" --cluster-replicas 0 --cluster-yes >"$dir/create.log" 2>&1 ||
    { cat "$dir/create.log" >&2; exit 1; }
  for _ in $(seq 1 200); do cluster_ok && break; sleep 0.05; done
  cluster_ok || { echo "redis cluster: did not reach cluster_state:ok" >&2; exit 1; }
  echo "redis cluster: up on ${ports[*]}"
}

stop() {
  for port in "${ports[@]}"; do cli "$port" shutdown nosave >/dev/null 2>&1 || true; done
  rm -rf "$dir"
  echo "redis cluster: stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: scripts/redis-cluster.sh start|stop" >&2; exit 2 ;;
esac
