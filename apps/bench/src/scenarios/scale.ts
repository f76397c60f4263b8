import { BullmqExecutor } from '@tasks/bullmq';
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { Cluster, Redis } from 'ioredis';
import type { BenchConfig } from '../config';
import { NOOP_TASK, noopRegistry, QUEUE } from '../fixtures';
import { deleteKeys, REDIS_URL, uniquePrefix } from '../redis';
import { scenarioResult, type ScenarioResult } from '../scenario';
import { fallRate } from '../stats';
import { SCALE_WORKER_ENV, type ScaleCommand, type ScaleReport, type ScaleWorkerSettings } from '../scale-protocol';

/** Worker processes per run. */
const PROCESSES = [1, 2, 4];
/** Tasks each worker process runs at once, per queue (as `process-c50`). */
const CONCURRENCY = 50;
/** Queues of the cluster runs, one per master. */
const CLUSTER_QUEUES = 3;
const FILL_CHUNK = 2_000;
const POLL_MS = 5;
const ROOT = resolve(__dirname, '../../../..');
const WORKER_SCRIPT = join(__dirname, '..', 'scale-worker.js');

/** The cluster of the cluster runs: `REDIS_CLUSTER_NODES` (`host:port,…`), as the cluster tests read it. */
const CLUSTER_NODES = (process.env.REDIS_CLUSTER_NODES ?? '127.0.0.1:7000,127.0.0.1:7001,127.0.0.1:7002').split(',').map((node) => {
  const [host, port] = node.trim().split(':');
  return { host: host!, port: Number(port) };
});

/** One run: `processes` worker processes draining `tasks` pre-filled no-op tasks. */
export interface ScaleRun {
  setup: 'redis' | 'cluster';
  processes: number;
  queues: string[];
  tasks: number;
  /** While the queues fall from 90% to 10% of the tasks (start-up left out). */
  jobsPerSecond: number;
  /** From `go` to the last task recorded completed. */
  wallSeconds: number;
  /** CPU time (user + system) of each worker process over the drain. */
  workers: Array<{ pid: number; cpuSeconds: number }>;
  /** CPU time of each Redis server over the drain (`INFO cpu`, used_cpu_user + used_cpu_sys). */
  redis: Array<{ server: string; cpuSeconds: number }>;
}

/** What `--scale` measured, and what the reader must know to read it. */
export interface ScaleReportSection {
  cores: number;
  notes: string[];
  runs: ScaleRun[];
}

/** Tasks per run: 100,000 (`BENCH_SCALE_TASKS` to change it; `--quick` runs 2,000). */
function taskCount(config: BenchConfig): number {
  const asked = process.env.BENCH_SCALE_TASKS;
  if (asked !== undefined) {
    const count = Number(asked);
    if (!Number.isInteger(count) || count < 100) throw new Error(`BENCH_SCALE_TASKS=${asked}: give a whole number of tasks, 100 or more.`);
    return count;
  }
  return config.mode === 'quick' ? 2_000 : 100_000;
}

/**
 * `pnpm bench --scale`: 1, 2 and 4 worker processes (children of the bench) drain
 * pre-filled no-op tasks from one Redis (one queue), then from a 3-master Redis Cluster
 * (three queues, `shardByQueue`, one queue per master). The cluster is started with
 * `scripts/redis-cluster.sh` when none answers, and stopped after only in that case.
 * Rows: jobs/s of each run against one worker process on one Redis; the CPU time of
 * every process and Redis server is in the report's `scale` section.
 */
export async function scaleScenarios(config: BenchConfig): Promise<{ scenarios: ScenarioResult[]; scale: ScaleReportSection }> {
  const tasks = taskCount(config);
  const cores = availableParallelism();
  const runs: ScaleRun[] = [];
  for (const processes of PROCESSES) runs.push(await redisRun(processes, tasks));
  const startedCluster = await ensureCluster();
  try {
    for (const processes of PROCESSES) runs.push(await clusterRun(processes, tasks));
  } finally {
    if (startedCluster) clusterScript('stop');
  }
  const single = runs[0]!;
  const scenarios = runs.slice(1).map((run) =>
    scenarioResult(
      { name: `scale-${run.setup}-${run.processes}p`, unit: 'jobs/s', higherIsBetter: true, baselineName: '1 worker process, one Redis' },
      [single.jobsPerSecond],
      [run.jobsPerSecond],
    ),
  );
  const notes = [
    `This machine has ${cores} core(s). Past ${Math.max(cores - 1, 1)} worker process(es), the workers and the Redis server(s) contend for them, so higher counts show that contention rather than what more machines would give.`,
    'The cluster\'s three masters run on the same machine as the workers: here the cluster adds Redis processes, not cores.',
    'One queue is one hash slot, served by one Redis process: on one Redis every run shares one server; on the cluster each queue has a master of its own.',
  ];
  return { scenarios, scale: { cores, notes, runs } };
}

function redisRun(processes: number, tasks: number): Promise<ScaleRun> {
  const prefix = uniquePrefix('scale');
  const target: Target = {
    setup: 'redis',
    queues: [QUEUE],
    connection: { connection: REDIS_URL, prefix },
    worker: { redisUrl: REDIS_URL, prefix, queues: [QUEUE], concurrency: CONCURRENCY },
    client: () => new Redis(REDIS_URL),
    servers: async (client) => [{ name: REDIS_URL.replace(/\/\/[^@/]*@/, '//'), redis: client as Redis }],
    keyOf: (queue, kind) => `${prefix}:${queue}:${kind}`,
    cleanup: () => deleteKeys(prefix),
  };
  return measure(target, processes, tasks);
}

async function clusterRun(processes: number, tasks: number): Promise<ScaleRun> {
  const prefix = uniquePrefix('scale');
  const queues = await queuesOnEveryMaster(prefix);
  const tag = (queue: string) => `{${prefix}:${queue}}`;
  const target: Target = {
    setup: 'cluster',
    queues,
    connection: { connection: { cluster: CLUSTER_NODES }, cluster: { shardByQueue: true }, prefix },
    worker: { clusterNodes: CLUSTER_NODES, prefix, queues, concurrency: CONCURRENCY },
    client: () => new Cluster(CLUSTER_NODES),
    servers: async (client) => {
      await client.ping();
      return (client as Cluster).nodes('master').map((redis) => ({ name: `${redis.options.host}:${redis.options.port}`, redis }));
    },
    keyOf: (queue, kind) => `${tag(queue)}:${queue}:${kind}`,
    cleanup: () => deleteClusterKeys(prefix),
  };
  return measure(target, processes, tasks);
}

/** Where a run works: its queues, connections, and the keys it watches. */
interface Target {
  setup: ScaleRun['setup'];
  queues: string[];
  connection: Parameters<typeof BullmqExecutor.connect>[0];
  worker: ScaleWorkerSettings;
  client: () => Redis | Cluster;
  servers: (client: Redis | Cluster) => Promise<Array<{ name: string; redis: Redis }>>;
  keyOf: (queue: string, kind: 'wait' | 'completed') => string;
  cleanup: () => Promise<void>;
}

async function measure(target: Target, processes: number, tasks: number): Promise<ScaleRun> {
  const client = target.client();
  const children: WorkerProcess[] = [];
  try {
    await fill(target, tasks);
    children.push(...(await Promise.all(Array.from({ length: processes }, () => WorkerProcess.start(target.worker)))));
    const servers = await target.servers(client);
    const redisBefore = await Promise.all(servers.map(({ redis }) => redisCpuSeconds(redis)));
    const started = performance.now();
    children.forEach((child) => child.send({ cmd: 'go' }));
    const count = (kind: 'wait' | 'completed') =>
      Promise.all(target.queues.map((queue) => (kind === 'wait' ? client.llen(target.keyOf(queue, kind)) : client.zcard(target.keyOf(queue, kind))))).then((counts) =>
        counts.reduce((sum, n) => sum + n, 0),
      );
    const jobsPerSecond = await fallRate(() => count('wait'), tasks, POLL_MS);
    while ((await count('completed')) < tasks) await pause(POLL_MS);
    const wallSeconds = (performance.now() - started) / 1000;
    const redisAfter = await Promise.all(servers.map(({ redis }) => redisCpuSeconds(redis)));
    const cpu = await Promise.all(children.map((child) => child.stop()));
    return {
      setup: target.setup,
      processes,
      queues: target.queues,
      tasks,
      jobsPerSecond: Math.round(jobsPerSecond),
      wallSeconds: round(wallSeconds),
      workers: cpu.map((used, i) => ({ pid: children[i]!.pid, cpuSeconds: round(used) })),
      redis: servers.map(({ name }, i) => ({ server: name, cpuSeconds: round(redisAfter[i]! - redisBefore[i]!) })),
    };
  } finally {
    children.forEach((child) => child.kill());
    client.disconnect();
    await target.cleanup();
  }
}

/** Publishes `tasks` no-op tasks, spread over the target's queues in turn (not timed). */
async function fill(target: Target, tasks: number): Promise<void> {
  const executor = await BullmqExecutor.connect({ ...target.connection, registry: noopRegistry() });
  try {
    for (let done = 0; done < tasks; done += FILL_CHUNK) {
      const chunk = Math.min(FILL_CHUNK, tasks - done);
      await Promise.all(Array.from({ length: chunk }, (_, i) => executor.applyAsync(NOOP_TASK, [], { queue: target.queues[(done + i) % target.queues.length]! })));
    }
  } finally {
    await executor.close();
  }
}

/** A worker process of the bench (`scale-worker.ts`). */
class WorkerProcess {
  private readonly reports: ScaleReport[] = [];
  private readonly waiters: Array<() => void> = [];
  private readonly exited: Promise<number | null>;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (report: ScaleReport) => {
      this.reports.push(report);
      this.waiters.splice(0).forEach((wake) => wake());
    });
    this.exited = new Promise((done) => child.once('exit', (code) => (done(code), this.waiters.splice(0).forEach((wake) => wake()))));
  }

  static async start(settings: ScaleWorkerSettings): Promise<WorkerProcess> {
    const child = fork(WORKER_SCRIPT, [], { env: { ...process.env, [SCALE_WORKER_ENV]: JSON.stringify(settings) }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const worker = new WorkerProcess(child);
    await worker.report('ready');
    return worker;
  }

  get pid(): number {
    return this.child.pid!;
  }

  send(command: ScaleCommand): void {
    this.child.send(command);
  }

  /** Stops the worker; resolves with the CPU seconds it used since `go`. */
  async stop(): Promise<number> {
    this.send({ cmd: 'stop' });
    const cpu = (await this.report('cpu')) as Extract<ScaleReport, { kind: 'cpu' }>;
    await this.exited;
    return (cpu.userMs + cpu.systemMs) / 1000;
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  private async report(kind: ScaleReport['kind']): Promise<ScaleReport> {
    for (;;) {
      const found = this.reports.find((report) => report.kind === kind);
      if (found) return found;
      if (this.child.exitCode !== null) throw new Error(`scale worker ${this.child.pid} exited with ${this.child.exitCode} before reporting ${kind}`);
      await new Promise<void>((wake) => this.waiters.push(wake));
    }
  }
}

/** CPU seconds a Redis server used since it started (`INFO cpu`). */
async function redisCpuSeconds(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? Number.NaN);
  return field('used_cpu_user') + field('used_cpu_sys');
}

/**
 * Queue names whose hash tags (`{prefix:queue}`) fall on three different masters, so
 * the three queues are served by three Redis processes.
 */
async function queuesOnEveryMaster(prefix: string): Promise<string[]> {
  const cluster = new Cluster(CLUSTER_NODES);
  try {
    const ranges = await cluster.cluster('SLOTS');
    const masterOf = (slot: number) => {
      const master = ranges.find(([from, to]) => slot >= from && slot <= to)?.[2];
      return master && `${master[0]}:${master[1]}`;
    };
    const byMaster = new Map<string, string>();
    for (let i = 0; byMaster.size < CLUSTER_QUEUES && i < 1000; i++) {
      const queue = `scale${i}`;
      const master = masterOf((await cluster.cluster('KEYSLOT', `{${prefix}:${queue}}`)) as number);
      if (master !== undefined && !byMaster.has(master)) byMaster.set(master, queue);
    }
    if (byMaster.size < CLUSTER_QUEUES) throw new Error(`the cluster at ${describeNodes()} has fewer than ${CLUSTER_QUEUES} masters`);
    return [...byMaster.values()];
  } finally {
    cluster.disconnect();
  }
}

async function deleteClusterKeys(prefix: string): Promise<void> {
  const cluster = new Cluster(CLUSTER_NODES);
  try {
    await cluster.ping();
    for (const master of cluster.nodes('master')) {
      let cursor = '0';
      do {
        const [next, keys] = await master.scan(cursor, 'MATCH', `{${prefix}*`, 'COUNT', 1000);
        cursor = next;
        // Keys of one master, but of several slots: one key per UNLINK.
        const pipeline = master.pipeline();
        keys.forEach((key) => pipeline.unlink(key));
        await pipeline.exec();
      } while (cursor !== '0');
    }
  } finally {
    cluster.disconnect();
  }
}

/** Starts the cluster with `scripts/redis-cluster.sh` when none answers; true when it did. */
async function ensureCluster(): Promise<boolean> {
  const probe = new Redis({ ...CLUSTER_NODES[0]!, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    const info = (await probe.cluster('INFO')) as string;
    if (/cluster_state:ok/.test(info)) return false;
  } catch {
    // Nothing answers: start one below.
  } finally {
    probe.disconnect();
  }
  if (!CLUSTER_NODES.every(({ host }) => host === '127.0.0.1' || host === 'localhost')) {
    throw new Error(`no Redis Cluster answers at ${describeNodes()}; start it, or give REDIS_CLUSTER_NODES on this machine's loopback so the bench can start one.`);
  }
  clusterScript('start');
  return true;
}

function clusterScript(command: 'start' | 'stop'): void {
  const ports = CLUSTER_NODES.map(({ port }) => port).join(' ');
  execFileSync('bash', [join(ROOT, 'scripts', 'redis-cluster.sh'), command], { env: { ...process.env, REDIS_CLUSTER_PORTS: ports }, stdio: ['ignore', 'ignore', 'inherit'] });
}

function describeNodes(): string {
  return CLUSTER_NODES.map(({ host, port }) => `${host}:${port}`).join(',');
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
