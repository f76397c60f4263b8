import { EagerExecutor, TaskRegistry, type TaskExecutor } from '@tasks/core';
import { BullmqExecutor, TaskWorker } from '../src';
import { deleteKeys, REDIS_URL, uniquePrefix } from './support/redis';
import { RecordingHooks, SignalRecorder } from './support/signal-recorder';

class Flaky extends Error {
  override name = 'Flaky';
}
class Broken extends Error {
  override name = 'Broken';
}

// "Order of one attempt" in DESIGN.md, hook by hook.
const PUBLISH = ['before_task_publish', 'after_task_publish'];
const START = ['task_received', 'task_prerun', 'beforeStart', 'body'];
const SUCCESS = [...START, 'onSuccess', 'task_success', 'afterReturn', 'task_postrun(SUCCESS)'];
const RETRY = [...START, 'before_task_publish', 'after_task_publish', 'onRetry', 'task_retry', 'task_postrun(RETRY)'];
const FAILURE = [...START, 'onFailure', 'task_failure', 'afterReturn', 'task_postrun(FAILURE)'];

interface Scenario {
  task: string;
  expected: string[];
  outcome: 'result' | 'error';
}
const scenarios: Scenario[] = [
  { task: 'order.succeeds', expected: SUCCESS, outcome: 'result' },
  { task: 'order.retries_twice', expected: [...RETRY, ...RETRY, ...SUCCESS], outcome: 'result' },
  { task: 'order.fails', expected: FAILURE, outcome: 'error' },
];

interface Harness {
  executor: TaskExecutor;
  close(): Promise<void>;
}

/** Builds the same three tasks for a run, recording into `recorders`. */
function buildRegistry(recorders: Map<string, SignalRecorder>): TaskRegistry {
  const registry = new TaskRegistry();
  const hooks = new RecordingHooks(recorders);
  const body = (task: string) => recorders.get(task)!.record('body');
  const failures = new Map<string, number>();
  registry.register(() => (body('order.succeeds'), 'ok'), { name: 'order.succeeds', hooks });
  registry.register(
    () => {
      body('order.retries_twice');
      const seen = failures.get('order.retries_twice') ?? 0;
      failures.set('order.retries_twice', seen + 1);
      if (seen < 2) throw new Flaky(`attempt ${seen + 1} failed`);
      return 'ok after retries';
    },
    { name: 'order.retries_twice', hooks, maxRetries: 3, autoretryFor: [Flaky], retryBackoff: { type: 'fixed', delayMs: 5 } },
  );
  registry.register(
    () => {
      body('order.fails');
      throw new Broken('for good');
    },
    { name: 'order.fails', hooks, maxRetries: 3, autoretryFor: [Flaky] },
  );
  return registry;
}

const executors: [string, (registry: TaskRegistry) => Promise<Harness>][] = [
  ['eager', async (registry) => ({ executor: new EagerExecutor(registry), close: async () => undefined })],
  [
    'bullmq',
    async (registry) => {
      const prefix = uniquePrefix('order');
      const executor = await BullmqExecutor.connect({ connection: REDIS_URL, prefix, registry });
      const worker = new TaskWorker({ connection: REDIS_URL, prefix, registry, concurrency: 5 });
      await worker.start();
      return {
        executor,
        close: async () => {
          await worker.close();
          await executor.close();
          await deleteKeys(prefix);
        },
      };
    },
  ],
];

describe('signal and hook order of one task, on both executors', () => {
  const observed = new Map<string, Map<string, { published: string[]; events: string[] }>>();

  describe.each(executors)('%s executor', (label, start) => {
    const recorders = new Map<string, SignalRecorder>();
    let harness: Harness;

    beforeAll(async () => {
      for (const { task } of scenarios) recorders.set(task, new SignalRecorder(task));
      harness = await start(buildRegistry(recorders));
    });
    afterAll(async () => {
      recorders.forEach((recorder) => recorder.dispose());
      await harness.close();
    });

    it.each(scenarios)('$task', async ({ task, expected, outcome }) => {
      const result = await harness.executor.delay(task);
      if (outcome === 'result') await expect(result.get({ timeoutMs: 10_000 })).resolves.toMatch(/^ok/);
      else await expect(result.get({ timeoutMs: 10_000 })).rejects.toMatchObject({ name: 'Broken', message: 'for good' });

      const recorder = recorders.get(task)!;
      expect(recorder.published).toEqual(PUBLISH);
      expect(recorder.events).toEqual(expected);
      const byTask = observed.get(task) ?? new Map();
      byTask.set(label, { published: recorder.published, events: recorder.events });
      observed.set(task, byTask);
    });
  });

  it('the two executors gave identical sequences', () => {
    expect(observed.size).toBe(scenarios.length);
    for (const [, byExecutor] of observed) {
      expect(byExecutor.get('bullmq')).toEqual(byExecutor.get('eager'));
    }
  });
});
