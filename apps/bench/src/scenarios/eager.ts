import { EagerExecutor, Task, TaskRegistry } from '@tasks/core';
import type { BenchConfig } from '../config';
import { asyncRate } from '../ops-rate';
import { alternate, metric, scenarioResult, type ScenarioResult } from '../scenario';

const TASK = 'bench.double';

/** The shape of a typical task: an async method of a provider. */
class Doubler {
  @Task(TASK)
  async double(value: number): Promise<number> {
    return value * 2;
  }
}

/**
 * Eager mode: `await (await tasks.delay(name, 1)).get()` through an
 * `EagerExecutor` (publish signals, tracer, hooks, JSON copies) against
 * `await service.double(1)`, in calls/s. A fresh executor per round, since it
 * keeps every result it produced.
 */
export async function eagerScenario(config: BenchConfig): Promise<ScenarioResult> {
  const service = new Doubler();
  const registry = new TaskRegistry();
  registry.registerInstance(service);
  const direct = () => service.double(1);
  const eagerCall = (executor: EagerExecutor) => async () => (await executor.delay(TASK, 1)).get();

  await asyncRate(direct, config.microMs);
  await asyncRate(eagerCall(new EagerExecutor(registry)), config.microMs);
  const samples = await alternate(
    config.microRounds,
    async () => ({ rate: await asyncRate(direct, config.microMs) }),
    async () => ({ rate: await asyncRate(eagerCall(new EagerExecutor(registry)), config.microMs) }),
  );
  const { baseline, ours } = metric(samples, 'rate');
  return scenarioResult(
    {
      name: 'eager-call',
      unit: 'calls/s',
      higherIsBetter: true,
      baselineName: 'direct method call',
      target: { text: 'ours ≥ 500k calls/s', test: (r) => r.ours.median >= 500_000 },
    },
    baseline,
    ours,
  );
}
