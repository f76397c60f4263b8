import { defineSignal, taskSuccess } from '@tasks/core';
import { BullmqExecutor } from '@tasks/bullmq';
import { Redis } from 'ioredis';
import type { BenchConfig } from '../config';
import { fillTasks, startTaskWorker } from '../fixtures';
import { REDIS_URL, withPrefix } from '../redis';
import { alternate, metric, scenarioResult, type Measurement, type ScenarioResult } from '../scenario';
import { percentile } from '../stats';
import { drain } from './processing';

const CONCURRENCY = 50;
const WARMUP = 20;

/** Sent, and heard back through Redis, by the latency scenario. */
const benchPing = defineSignal<{ sentAt: number }>('bench_cluster_ping', { scope: 'cluster' });

/**
 * Signals across processes:
 * - `process-c50-events`: `process-c50` with `events: true` and one cluster
 *   receiver (of every task_success) in the same process, against the same worker
 *   with events off and no cluster receiver.
 * - `cluster-signal-latency` (p99) and `-p50`: a cluster signal's `send()` to its
 *   receipt by a `scope: 'cluster'` receiver, through the stream, one at a time,
 *   against a raw PUBLISH → SUBSCRIBE round trip between two connections.
 */
export async function clusterScenarios(config: BenchConfig): Promise<ScenarioResult[]> {
  // A smoke run checks the rows' shape: one round is enough there.
  const rounds = config.mode === 'quick' ? 1 : config.rounds;
  const off = () => drain('events-off', fillTasks, (prefix, concurrency, countdown) => startTaskWorker(prefix, concurrency, countdown), CONCURRENCY, config.processTasks);
  const on = () =>
    drain('events-on', fillTasks, async (prefix, concurrency, countdown) => {
      let heard = 0;
      const disconnect = taskSuccess.connect(() => void heard++, { scope: 'cluster' });
      const worker = await startTaskWorker(prefix, concurrency, countdown, { events: true });
      return {
        async close() {
          await worker.close();
          disconnect();
        },
      };
    }, CONCURRENCY, config.processTasks);
  const events = metric(await alternate(rounds, off, on), 'rate');

  const latency = await alternate(
    rounds,
    () => rawRoundTrips(config.latencySamples),
    () => signalRoundTrips(config.latencySamples),
  );
  const p99 = metric(latency, 'p99');
  const p50 = metric(latency, 'p50');
  return [
    scenarioResult(
      {
        name: 'process-c50-events',
        unit: 'jobs/s',
        higherIsBetter: true,
        baselineName: 'ours, events off, no cluster receiver',
        target: { text: 'ratio ≥ 0.9', test: (r) => r.ratio >= 0.9 },
      },
      events.baseline,
      events.ours,
    ),
    scenarioResult(
      {
        name: 'cluster-signal-latency',
        unit: 'ms (p99)',
        higherIsBetter: false,
        baselineName: 'raw PUBLISH → SUBSCRIBE',
        target: { text: 'ratio ≤ 1.5 and < 5 ms', test: (r) => r.ratio <= 1.5 && r.ours.median < 5 },
      },
      p99.baseline,
      p99.ours,
    ),
    scenarioResult({ name: 'cluster-signal-latency-p50', unit: 'ms', higherIsBetter: false, baselineName: 'raw PUBLISH → SUBSCRIBE' }, p50.baseline, p50.ours),
  ];
}

/** Percentiles of `samples` round trips, after a warm-up. */
function summary(times: number[]): Measurement {
  const measured = times.slice(WARMUP);
  return { p50: percentile(measured, 50), p99: percentile(measured, 99) };
}

async function rawRoundTrips(samples: number): Promise<Measurement> {
  const publisher = new Redis(REDIS_URL);
  const subscriber = new Redis(REDIS_URL);
  const channel = `bench-raw-${process.pid}`;
  let heard: (() => void) | undefined;
  subscriber.on('message', () => heard?.());
  await subscriber.subscribe(channel);
  const times: number[] = [];
  try {
    for (let i = 0; i < samples + WARMUP; i++) {
      const started = performance.now();
      const received = new Promise<void>((resolve) => (heard = resolve));
      await publisher.publish(channel, JSON.stringify({ sentAt: Date.now() }));
      await received;
      times.push(performance.now() - started);
    }
  } finally {
    publisher.disconnect();
    subscriber.disconnect();
  }
  return summary(times);
}

async function signalRoundTrips(samples: number): Promise<Measurement> {
  return withPrefix('cluster-latency', async (prefix) => {
    let heard: (() => void) | undefined;
    const disconnect = benchPing.connect(() => heard?.(), { scope: 'cluster' });
    // The executor opens this process's node: its reader delivers to the receiver above.
    const executor = await BullmqExecutor.connect({ connection: REDIS_URL, prefix });
    const times: number[] = [];
    try {
      for (let i = 0; i < samples + WARMUP; i++) {
        const started = performance.now();
        const received = new Promise<void>((resolve) => (heard = resolve));
        await benchPing.send('bench', { sentAt: Date.now() });
        await received;
        times.push(performance.now() - started);
      }
    } finally {
      await executor.close();
      disconnect();
    }
    return summary(times);
  });
}
