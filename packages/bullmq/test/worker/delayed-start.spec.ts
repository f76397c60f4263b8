import { TaskRegistry } from '@tasks/core';
import { startHarness, type Harness } from '../support/harness';

const DELAY_MS = 150;
const TASKS = 9;

/**
 * Redis times out a blocked command on its own clock tick only (every 100 ms at its
 * default `hz 10`). A worker left to that wakes for a delayed task anywhere up to a
 * tick late; ours wakes itself when the task falls due.
 */
describe('a delayed task on an idle worker', () => {
  let harness: Harness;
  let started = 0;

  beforeAll(async () => {
    const registry = new TaskRegistry();
    registry.register(() => void (started = Date.now()), { name: 'delayed.stamp' });
    harness = await startHarness(registry);
  });
  afterAll(() => harness.close());

  it('starts when it falls due, not at the next tick of Redis’s clock, and never early', async () => {
    const lateness: number[] = [];
    for (let i = 0; i < TASKS; i++) {
      const due = Date.now() + DELAY_MS;
      await harness.executor.applyAsync('delayed.stamp', [], { delayMs: DELAY_MS }).then((result) => result.get({ timeoutMs: 10_000 }));
      lateness.push(started - due);
    }
    lateness.sort((a, b) => a - b);
    expect(lateness[0]).toBeGreaterThanOrEqual(0);
    // Left to Redis's clock, the median is about half a tick (50 ms).
    expect(lateness[Math.floor(TASKS / 2)]).toBeLessThan(30);
  });
});
