import { Redis } from 'ioredis';
import { BullmqExecutor } from '../../../src';
import { deleteKeys, REDIS_URL, uniquePrefix } from '../../support/redis';
import { WorkerProcesses } from './worker-processes';

/** What a test with worker child processes works with; `prefix` and `executor` are fresh for each test. */
export interface ProcessTestBed {
  readonly processes: WorkerProcesses;
  /** A client for reading what the children wrote (shared by the file's tests). */
  readonly redis: Redis;
  readonly prefix: string;
  readonly executor: BullmqExecutor;
  /** Runs `close` after the test, after the children are killed, most recent first. */
  onCleanup(close: () => Promise<unknown>): void;
}

/**
 * The set-up of a describe block whose tests run worker child processes: before each test a
 * fresh prefix and an executor on it; after it, every child killed, the cleanups run, the
 * executor closed and the prefix's keys deleted.
 */
export function useProcessTestBed(label: string): ProcessTestBed {
  const processes = new WorkerProcesses();
  const redis = new Redis(REDIS_URL, { lazyConnect: true });
  const cleanups: (() => Promise<unknown>)[] = [];
  let prefix: string | undefined;
  let executor: BullmqExecutor | undefined;
  const current = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`The test bed's ${what} exists only inside a test.`);
    return value;
  };

  beforeEach(async () => {
    prefix = uniquePrefix(label);
    executor = await BullmqExecutor.connect({ connection: REDIS_URL, prefix });
  });
  afterEach(async () => {
    await processes.killAll();
    for (const close of cleanups.splice(0).reverse()) await close();
    await executor?.close();
    if (prefix !== undefined) await deleteKeys(prefix);
  });
  afterAll(() => redis.disconnect());

  return {
    processes,
    redis,
    get prefix() {
      return current(prefix, 'prefix');
    },
    get executor() {
      return current(executor, 'executor');
    },
    onCleanup: (close) => void cleanups.push(close),
  };
}
