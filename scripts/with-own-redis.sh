#!/usr/bin/env bash
# Runs a command against a Redis of its own, and checks that it never touched the default one.
#   scripts/with-own-redis.sh pnpm test
# In a private network namespace (`unshare --net`: root, or a kernel that allows user
# namespaces) it starts two Redis servers: one on 127.0.0.1:6379, standing in for the default
# Redis, and one on 127.0.0.1:${OWN_REDIS_PORT:-6390}. The command runs with REDIS_URL set to
# the second. Afterwards the script fails if the 6379 one holds any key or ever accepted a
# connection besides this script's own checks: whatever ignores REDIS_URL is caught, and the
# machine's real Redis is never reached. The command's exit status is kept otherwise.
set -euo pipefail
[ "$#" -gt 0 ] || { echo "usage: scripts/with-own-redis.sh <command> [arguments]" >&2; exit 2; }

if [ "${WITH_OWN_REDIS_INSIDE:-}" != 1 ]; then
  export WITH_OWN_REDIS_INSIDE=1
  if [ "$(id -u)" = 0 ]; then exec unshare --net "$0" "$@"; fi
  exec unshare --user --map-root-user --net "$0" "$@"
fi
unset WITH_OWN_REDIS_INSIDE

ip link set lo up
port="${OWN_REDIS_PORT:-6390}"
dir="$(mktemp -d)"
checks=0   # connections this script opens to the 6379 server, counted outside subshells
default_cli() { redis-cli -h 127.0.0.1 -p 6379 "$@"; }
stop() {
  redis-cli -h 127.0.0.1 -p "$port" shutdown nosave >/dev/null 2>&1 || true
  redis-cli -h 127.0.0.1 -p 6379 shutdown nosave >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT

for p in 6379 "$port"; do
  redis-server --port "$p" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
    --dir "$dir" --pidfile "$dir/redis-$p.pid" --logfile "$dir/redis-$p.log"
done
for _ in $(seq 1 50); do
  redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1 && break
  sleep 0.1
done
until checks=$((checks + 1)); default_cli ping >/dev/null 2>&1; do sleep 0.1; done

echo "Redis for this run: redis://127.0.0.1:$port; the one on 6379 must stay untouched"
set +e
REDIS_URL="redis://127.0.0.1:$port" "$@"
status=$?
set -e

checks=$((checks + 2))
keys="$(default_cli dbsize)"
connections="$(default_cli info stats | tr -d '\r' | sed -n 's/^total_connections_received://p')"
others=$((connections - checks))
if [ "$keys" != 0 ] || [ "$others" != 0 ]; then
  echo "REDIS_URL not honoured: the Redis on 6379 got $others connection(s) and holds $keys key(s):" >&2
  redis-cli -h 127.0.0.1 -p 6379 --scan | head -20 >&2
  exit 1
fi
echo "the Redis on 6379 was untouched: no key, no connection"
exit "$status"
