"""Measures Celery for `pnpm bench --against celery` and prints one JSON object.

Usage: BENCH_CELERY_URL=redis://host:port/db python3 celery_side.py '<json settings>'
settings: {"tasks": N, "calls": M, "latencySamples": K, "pools": [[name, concurrency], ...]}

- processing: N no-op tasks published beforehand, drained by a worker of each pool;
  the rate is taken while the queue falls from 90% to 10% of N (read with LLEN every
  few milliseconds), the same way the Node side reads its own queue.
- delay: M `noop.delay()` calls, one after another, with no worker running.
- latency: K `noop.delay().get()` round trips to an idle worker of each pool.
The database in BENCH_CELERY_URL is emptied before and after: give it one of its own.
"""
import json
import os
import signal
import subprocess
import sys
import time

import redis

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from celery_app import QUEUE, app, noop  # noqa: E402

POLL_S = 0.002
WARMUP = 10


def start_worker(pool, concurrency):
    env = dict(os.environ)
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "celery_app", "worker", "-P", pool, "-c", str(concurrency),
         "-Q", QUEUE, "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "WARNING"],
        cwd=os.path.dirname(os.path.abspath(__file__)), env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    return proc


def stop_worker(proc):
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def wait_for_worker(r, proc, limit_s=60):
    """Until the worker took the probe task: it is up and consuming."""
    probe = noop.delay()
    deadline = time.monotonic() + limit_s
    while True:
        if proc.poll() is not None:
            raise RuntimeError("celery worker exited: " + proc.stderr.read().decode(errors="replace")[-2000:])
        try:
            probe.get(timeout=0.5)
            return
        except Exception:  # noqa: BLE001 (a timeout while the worker boots)
            if time.monotonic() > deadline:
                raise


def processing(r, pool, concurrency, tasks):
    r.flushdb()
    for _ in range(tasks):
        noop.delay()
    proc = start_worker(pool, concurrency)
    try:
        # The worker's start-up is left out: timing begins once it has taken 10% of the queue.
        high, low = tasks * 0.9, tasks * 0.1
        t_high = None
        while True:
            if proc.poll() is not None:
                raise RuntimeError("celery worker exited: " + proc.stderr.read().decode(errors="replace")[-2000:])
            left = r.llen(QUEUE)
            now = time.perf_counter()
            if t_high is None and left <= high:
                t_high = now
            if left <= low:
                t_low = now
                break
            time.sleep(POLL_S)
        while r.llen(QUEUE) > 0 or r.hlen("unacked") > 0:
            time.sleep(0.01)
        return (high - low) / (t_low - t_high)
    finally:
        stop_worker(proc)
        r.flushdb()


def sequential_delay(r, calls):
    r.flushdb()
    for _ in range(WARMUP):
        noop.delay()
    started = time.perf_counter()
    for _ in range(calls):
        noop.delay()
    elapsed = time.perf_counter() - started
    r.flushdb()
    return calls / elapsed


def latency(r, pool, concurrency, samples):
    r.flushdb()
    proc = start_worker(pool, concurrency)
    try:
        wait_for_worker(r, proc)
        for _ in range(WARMUP):
            noop.delay().get(timeout=10)
        times = []
        for _ in range(samples):
            started = time.perf_counter()
            noop.delay().get(timeout=10)
            times.append((time.perf_counter() - started) * 1000)
            time.sleep(0.002)
        times.sort()
        rank = lambda p: times[min(len(times), max(1, -(-p * len(times) // 100))) - 1]  # noqa: E731
        return {"p50": rank(50), "p99": rank(99)}
    finally:
        stop_worker(proc)
        r.flushdb()


def main():
    settings = json.loads(sys.argv[1])
    r = redis.Redis.from_url(os.environ["BENCH_CELERY_URL"])
    import celery
    out = {"celery": celery.__version__, "python": sys.version.split()[0], "processing": {}, "latency": {}}
    for pool, concurrency in settings["pools"]:
        label = f"{pool}x{concurrency}"
        out["processing"][label] = processing(r, pool, concurrency, settings["tasks"])
        out["latency"][label] = latency(r, pool, concurrency, settings["latencySamples"])
    out["delay"] = sequential_delay(r, settings["calls"])
    print(json.dumps(out))


if __name__ == "__main__":
    main()
