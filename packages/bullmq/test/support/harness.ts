import type { TaskRegistry } from '@tasks/core';
import { BullmqExecutor, TaskWorker, type TaskWorkerOptions } from '../../src';
import { deleteKeys, REDIS_URL, uniquePrefix } from './redis';

export interface Harness {
  prefix: string;
  executor: BullmqExecutor;
  worker: TaskWorker;
  close(): Promise<void>;
}

/** An executor and a started worker on a prefix of their own; `close` removes every key. */
export async function startHarness(
  registry: TaskRegistry,
  workerOptions: Partial<TaskWorkerOptions> = {},
): Promise<Harness> {
  const prefix = uniquePrefix();
  const executor = await BullmqExecutor.connect({ connection: REDIS_URL, prefix, registry });
  const worker = new TaskWorker({ connection: REDIS_URL, prefix, registry, concurrency: 5, ...workerOptions });
  await worker.start();
  return {
    prefix,
    executor,
    worker,
    close: async () => {
      await worker.close();
      await executor.close();
      await deleteKeys(prefix);
    },
  };
}

/** A promise with its resolve function, to wait on an event instead of a timer. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
