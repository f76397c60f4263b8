import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { BenchConfig } from '../config';
import { fillTasks, startTaskWorker } from '../fixtures';
import { alternate, metric, scenarioResult, type ScenarioResult } from '../scenario';
import { drain } from './processing';

const CONCURRENCY = 50;

/**
 * An exporter that drops every span (what is measured is recording them, not shipping
 * them), counting the `run` spans it was given so the scenario can check none was lost.
 */
function dropSpans(): SpanExporter & { runs: number } {
  return {
    runs: 0,
    export(spans, done) {
      for (const span of spans) if (span.name.startsWith('run ')) this.runs++;
      done({ code: 0 });
    },
    shutdown: () => Promise.resolve(),
  };
}

/**
 * What telemetry costs the processing of `process-c50`: our worker with telemetry on
 * against the same worker with `telemetry: false`, first with no tracer provider
 * registered (`process-c50-otel-idle`: it must cost next to nothing), then with a
 * provider recording every span into a no-op exporter (`process-c50-otel`), through the
 * batching span processor the OpenTelemetry Node SDK sets up for an exporter.
 */
export async function telemetryScenarios(config: BenchConfig): Promise<ScenarioResult[]> {
  const run = (telemetry: boolean) => () =>
    drain(`otel-${telemetry}`, fillTasks, (prefix, concurrency, countdown) => startTaskWorker(prefix, concurrency, countdown, { telemetry }), CONCURRENCY, config.processTasks);
  const idle = metric(await alternate(config.rounds, run(false), run(true)), 'rate');
  const exporter = dropSpans();
  const provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter)] });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(provider);
  let traced: { baseline: number[]; ours: number[] };
  try {
    traced = metric(await alternate(config.rounds, run(false), run(true)), 'rate');
    // The batching processor drops spans when its queue is full; every task must have had its span.
    await provider.forceFlush();
    if (exporter.runs !== config.rounds * config.processTasks) {
      throw new Error(`process-c50-otel: ${exporter.runs} run spans were exported for ${config.rounds * config.processTasks} tasks`);
    }
  } finally {
    trace.disable();
    context.disable();
  }
  return [
    scenarioResult(
      {
        name: 'process-c50-otel-idle',
        unit: 'jobs/s',
        higherIsBetter: true,
        baselineName: 'ours, telemetry: false (no tracer provider)',
        target: { text: 'ratio ≥ 0.98', test: (r) => r.ratio >= 0.98 },
      },
      idle.baseline,
      idle.ours,
    ),
    scenarioResult(
      {
        name: 'process-c50-otel',
        unit: 'jobs/s',
        higherIsBetter: true,
        baselineName: 'ours, telemetry: false (tracer provider registered)',
        target: { text: 'ratio ≥ 0.85', test: (r) => r.ratio >= 0.85 },
      },
      traced.baseline,
      traced.ours,
    ),
  ];
}
