import { defineSignal, TaskRegistry } from '@tasks/core';
import { TasksControl, type TaskEvent, type TaskEvents } from '../../src';
import { startHarness, type Harness } from '../support/harness';
import { REDIS_URL } from '../support/redis';

const taskIdOf = (event: TaskEvent): string | undefined => (event.payload as { taskId?: string }).taskId;

/** Reads until `done` accepts an event; returns what was read. */
async function readUntil(events: TaskEvents, done: (event: TaskEvent) => boolean): Promise<TaskEvent[]> {
  const seen: TaskEvent[] = [];
  const iterator = events[Symbol.asyncIterator]();
  for (;;) {
    const next = await iterator.next();
    if (next.done) throw new Error(`The events ended early; read: ${seen.map((e) => e.signal).join(', ')}`);
    seen.push(next.value);
    if (done(next.value)) return seen;
  }
}

/** A custom cluster signal the task below sends from its body. */
const stepDone = defineSignal<{ step: string }>('control_events_step_done', { scope: 'cluster' });

// A worker in the same process as the reader, as in an app that serves a dashboard and runs tasks.
describe('TasksControl.events(): the event stream on the control\'s Redis and prefix', () => {
  let harness: Harness;
  let control: TasksControl;

  beforeEach(async () => {
    const registry = new TaskRegistry();
    registry.register((a: number, b: number) => a + b, { name: 'control-events.add' });
    registry.register(async (step: string) => {
      await stepDone.send('control-events', { step });
      return step;
    }, { name: 'control-events.step' });
    harness = await startHarness(registry);
    control = new TasksControl({ connection: REDIS_URL, prefix: harness.prefix });
  });
  afterEach(async () => {
    await control.close();
    await harness.close();
  });

  it('reads what a worker of this process sends, and the history holds the same events', async () => {
    const events = await control.events();
    try {
      const result = await harness.executor.delay('control-events.add', 1, 2);
      const seen = await readUntil(events, (e) => taskIdOf(e) === result.id && e.signal === 'task_postrun');
      const mine = seen.filter((e) => taskIdOf(e) === result.id).map((e) => e.signal);
      expect(mine).toEqual(expect.arrayContaining(['before_task_publish', 'task_received', 'task_prerun', 'task_success', 'task_postrun']));
      expect(seen.find((e) => e.signal === 'task_success' && taskIdOf(e) === result.id)?.payload).toMatchObject({ result: 3 });
      const history = await control.eventHistory();
      expect(history.filter((e) => taskIdOf(e) === result.id).map((e) => e.signal)).toEqual(seen.filter((e) => taskIdOf(e) === result.id).map((e) => e.signal));
    } finally {
      await events.close();
    }
  });

  it('opens again after the worker of this process closed, and after a reader was closed', async () => {
    const first = await control.events();
    await first.close();
    await harness.worker.close();
    const second = await control.events({ from: 'start' });
    try {
      const result = await harness.executor.delay('control-events.add', 2, 2);
      const seen = await readUntil(second, (e) => taskIdOf(e) === result.id && e.signal === 'after_task_publish');
      expect(seen.some((e) => e.signal === 'before_task_publish' && taskIdOf(e) === result.id)).toBe(true);
    } finally {
      await second.close();
    }
  });

  it('gives a custom signal sent from a task body the id of that task; sent elsewhere, none', async () => {
    const events = await control.events();
    try {
      await stepDone.send('control-events', { step: 'outside' });
      const result = await harness.executor.delay('control-events.step', 'inside');
      const seen = await readUntil(events, (e) => taskIdOf(e) === result.id && e.signal === 'task_postrun');
      const sent = seen.filter((e) => (e.signal as string) === stepDone.name);
      expect(sent.map((e) => [(e.payload as { step?: unknown }).step, e.taskId])).toEqual([['outside', undefined], ['inside', result.id]]);
      // Between the task's own signals, and from the worker's process like them.
      const mine = seen.filter((e) => taskIdOf(e) === result.id || e.taskId === result.id).map((e) => e.signal);
      expect(mine.slice(mine.indexOf('task_prerun'))).toEqual(['task_prerun', stepDone.name, 'task_success', 'task_postrun']);
      // Task signals keep naming their task in the payload only.
      expect(seen.filter((e) => taskIdOf(e) !== undefined).every((e) => e.taskId === undefined)).toBe(true);
    } finally {
      await events.close();
    }
  });
});
