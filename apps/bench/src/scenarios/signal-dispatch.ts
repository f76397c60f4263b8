import { defineSignal } from '@tasks/core';
import { EventEmitter2 } from 'eventemitter2';
import { EventEmitter } from 'node:events';
import type { BenchConfig } from '../config';
import { asyncRate, syncRate } from '../ops-rate';
import { alternate, metric, scenarioResult, type ScenarioResult, type ScenarioSpec } from '../scenario';

interface BenchPayload {
  taskId: string;
  value: number;
}

interface Variant {
  /** Row name part, e.g. `1sync`. */
  label: string;
  receivers: number;
  async: boolean;
}

const VARIANTS: readonly Variant[] = [
  { label: '0', receivers: 0, async: false },
  { label: '1sync', receivers: 1, async: false },
  { label: '10sync', receivers: 10, async: false },
  { label: '1async', receivers: 1, async: true },
  { label: '10async', receivers: 10, async: true },
];

const EVENT = 'bench';
const SENDER = 'bench.sender';
const payload: BenchPayload = { taskId: 'bench-task', value: 1 };

/**
 * In-process signal dispatch, ops/s, against the two event buses a NestJS app
 * already has:
 * - `signal-<n>-vs-emit` (sync receivers only): a `send()` call against
 *   `EventEmitter.emit()`, neither awaited. With sync receivers `send` has run
 *   them all before it returns, so this is dispatch against dispatch.
 * - `signal-<n>-vs-emitAsync`: `await send()` against `await emitAsync()` of
 *   EventEmitter2, the engine of `@nestjs/event-emitter`.
 */
export async function signalDispatchScenarios(config: BenchConfig): Promise<ScenarioResult[]> {
  const rows: ScenarioResult[] = [];
  for (const variant of VARIANTS) {
    const signal = defineSignal<BenchPayload>(`bench_${variant.label}`);
    const emitter = new EventEmitter();
    const emitter2 = new EventEmitter2();
    const offs: (() => boolean)[] = [];
    for (let i = 0; i < variant.receivers; i++) {
      // Distinct functions, as distinct receivers would be (the same one twice is a no-op for a signal).
      const receiver = variant.async ? async (_event: BenchPayload) => undefined : (_event: BenchPayload) => undefined;
      offs.push(signal.connect(receiver));
      emitter.on(EVENT, receiver);
      emitter2.on(EVENT, receiver);
    }
    if (!variant.async) {
      rows.push(
        await compareSync(
          config,
          spec(`signal-${variant.label}-vs-emit`, 'node:events emit'),
          () => emitter.emit(EVENT, payload),
          () => signal.send(SENDER, payload),
        ),
      );
    }
    rows.push(
      await compareAsync(
        config,
        spec(`signal-${variant.label}-vs-emitAsync`, 'EventEmitter2 emitAsync'),
        () => emitter2.emitAsync(EVENT, payload),
        () => signal.send(SENDER, payload),
      ),
    );
    offs.forEach((off) => off());
    emitter.removeAllListeners();
    emitter2.removeAllListeners();
  }
  return rows;
}

function spec(name: string, baselineName: string): ScenarioSpec {
  const row: ScenarioSpec = { name, unit: 'ops/s', higherIsBetter: true, baselineName };
  if (name === 'signal-0-vs-emit') row.target = { text: 'ours ≥ 20M ops/s', test: (r) => r.ours.median >= 20e6 };
  // signal-1sync-vs-emit has no target: the contract's fresh event object and promise per send put `emit`'s speed out of reach.
  if (name === 'signal-1async-vs-emitAsync') row.target = { text: 'ratio ≥ 1.0', test: (r) => r.ratio >= 1.0 };
  return row;
}

async function compareSync(config: BenchConfig, row: ScenarioSpec, baseline: () => unknown, ours: () => unknown): Promise<ScenarioResult> {
  syncRate(baseline, config.microMs);
  syncRate(ours, config.microMs);
  const samples = await alternate(
    config.microRounds,
    async () => ({ rate: syncRate(baseline, config.microMs) }),
    async () => ({ rate: syncRate(ours, config.microMs) }),
  );
  const { baseline: b, ours: o } = metric(samples, 'rate');
  return scenarioResult(row, b, o);
}

async function compareAsync(
  config: BenchConfig,
  row: ScenarioSpec,
  baseline: () => Promise<unknown>,
  ours: () => Promise<unknown>,
): Promise<ScenarioResult> {
  await asyncRate(baseline, config.microMs);
  await asyncRate(ours, config.microMs);
  const samples = await alternate(
    config.microRounds,
    async () => ({ rate: await asyncRate(baseline, config.microMs) }),
    async () => ({ rate: await asyncRate(ours, config.microMs) }),
  );
  const { baseline: b, ours: o } = metric(samples, 'rate');
  return scenarioResult(row, b, o);
}
