import { median, significant } from './stats';
import { disableTaskContext } from '@tasks/core/internal';

/** A target from docs/PERFORMANCE.md, checked against a scenario's medians. */
export interface Target {
  /** As written in the docs, e.g. `ratio ≥ 0.95`. */
  text: string;
  met: boolean;
}

/** One row of the report; the JSON shape is fixed by DESIGN.md ("Benchmark output"). */
export interface ScenarioResult {
  name: string;
  unit: string;
  higherIsBetter: boolean;
  baseline: { name: string; median: number; samples: number[] };
  ours: { median: number; samples: number[] };
  /** ours ÷ baseline, for latencies too. */
  ratio: number;
  target?: Target;
}

/** Checks a finished scenario: the medians and the ratio are known. */
export type TargetCheck = { text: string; test: (result: Omit<ScenarioResult, 'target'>) => boolean };

export interface ScenarioSpec {
  name: string;
  unit: string;
  higherIsBetter: boolean;
  baselineName: string;
  target?: TargetCheck;
}

/** Builds a report row from each side's per-round samples. */
export function scenarioResult(spec: ScenarioSpec, baseline: readonly number[], ours: readonly number[]): ScenarioResult {
  const baselineMedian = median(baseline);
  const oursMedian = median(ours);
  const result: ScenarioResult = {
    name: spec.name,
    unit: spec.unit,
    higherIsBetter: spec.higherIsBetter,
    baseline: { name: spec.baselineName, median: significant(baselineMedian), samples: baseline.map((v) => significant(v)) },
    ours: { median: significant(oursMedian), samples: ours.map((v) => significant(v)) },
    ratio: significant(oursMedian / baselineMedian, 3),
  };
  if (spec.target) result.target = { text: spec.target.text, met: spec.target.test(result) };
  return result;
}

/** What one run of a side measured, by metric name (a scenario may measure several things at once). */
export type Measurement = Record<string, number>;

/** Per-round samples of each metric, by side. */
export type Samples = Record<string, Record<string, number[]>>;

/**
 * Runs every side once per round, reversing the order on every other round, so
 * drift (a warming JIT, a filling Redis) falls on all sides alike.
 */
export async function inRounds(rounds: number, sides: Record<string, (round: number) => Promise<Measurement>>): Promise<Samples> {
  const samples: Samples = {};
  const names = Object.keys(sides);
  for (let round = 0; round < rounds; round++) {
    for (const name of round % 2 === 0 ? names : [...names].reverse()) {
      const measurement = await sides[name]!(round);
      for (const [key, value] of Object.entries(measurement)) ((samples[name] ??= {})[key] ??= []).push(value);
    }
  }
  return samples;
}

/**
 * The baseline and ours, alternating; see {@link inRounds}. Each baseline round runs as in a
 * process without this library: on Node 20, our task context's `AsyncLocalStorage`, once
 * entered, keeps promise hooks on for every promise of the process, raw BullMQ's included, so
 * it is turned off first (our side turns it on again with its first attempt). Only while none
 * of our tasks runs here.
 */
export function alternate(
  rounds: number,
  baseline: (round: number) => Promise<Measurement>,
  ours: (round: number) => Promise<Measurement>,
): Promise<Samples> {
  const asBaseline = (round: number) => {
    disableTaskContext();
    return baseline(round);
  };
  return inRounds(rounds, { baseline: asBaseline, ours });
}

/** One metric of two sides (by default `baseline` and `ours`), failing loudly if a side never measured it. */
export function metric(samples: Samples, name: string, baselineSide = 'baseline', oursSide = 'ours'): { baseline: number[]; ours: number[] } {
  const baseline = samples[baselineSide]?.[name];
  const ours = samples[oursSide]?.[name];
  if (!baseline || !ours) throw new Error(`metric ${name} was not measured by ${baselineSide} and ${oursSide}`);
  return { baseline, ours };
}
