// What `pnpm bench --scale` and its worker processes (scale-worker.ts) say to each other.

/** What the parent passes. */
export interface ScaleWorkerSettings {
  /** One Redis (`redisUrl`) or the startup nodes of a cluster, whose queues are then sharded. */
  redisUrl?: string;
  clusterNodes?: Array<{ host: string; port: number }>;
  prefix: string;
  queues: string[];
  concurrency: number;
}

/** What the parent says. */
export type ScaleCommand = { cmd: 'go' } | { cmd: 'stop' };

/** What the worker process reports. */
export type ScaleReport = { kind: 'ready' } | { kind: 'cpu'; userMs: number; systemMs: number };

export const SCALE_WORKER_ENV = 'BENCH_SCALE_WORKER';
