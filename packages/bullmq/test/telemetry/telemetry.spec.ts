import { trace } from '@opentelemetry/api';
import { beforeTaskPublish, TaskContext, TaskRegistry, taskPrerun, taskSuccess, type TaskHeaders } from '@tasks/core';
import { BullmqExecutor, TaskWorker } from '../../src';
import { deleteKeys, REDIS_URL, uniquePrefix } from '../support/redis';
import { installTracing, recordingExporter, SpanLog } from '../support/span-records';

/** An executor and worker on a prefix of their own, running one task that reports its headers. */
async function start(telemetry: boolean | undefined) {
  const prefix = uniquePrefix('otel');
  const seen: TaskHeaders[] = [];
  const registry = new TaskRegistry();
  const hooks = { onSuccess: () => void hookSpans.push(trace.getActiveSpan()?.spanContext().spanId) };
  const hookSpans: Array<string | undefined> = [];
  registry.register(
    () => {
      seen.push(TaskContext.current().headers);
      return 'ok';
    },
    { name: 'otel.headers', hooks },
  );
  const executor = await BullmqExecutor.connect({ connection: REDIS_URL, prefix, registry, telemetry });
  const worker = new TaskWorker({ connection: REDIS_URL, prefix, registry, telemetry, concurrency: 2 });
  await worker.start();
  return {
    executor,
    seen,
    hookSpans,
    close: async () => {
      await worker.close();
      await executor.close();
      await deleteKeys(prefix);
    },
  };
}

describe('telemetry', () => {
  it('does nothing while no tracer provider is registered: no trace headers, tasks run as usual', async () => {
    const app = await start(undefined);
    try {
      await expect((await app.executor.delay('otel.headers')).get({ timeoutMs: 10_000 })).resolves.toBe('ok');
      expect(app.seen).toEqual([{}]);
    } finally {
      await app.close();
    }
  });

  describe('with a tracer provider registered', () => {
    const log = new SpanLog();
    let uninstall: () => void;
    beforeAll(() => (uninstall = installTracing(recordingExporter(log.add))));
    afterAll(() => uninstall());

    it('records no span and adds no header when turned off with telemetry: false', async () => {
      const app = await start(false);
      try {
        await expect((await app.executor.delay('otel.headers')).get({ timeoutMs: 10_000 })).resolves.toBe('ok');
        expect(app.seen).toEqual([{}]);
        expect(log.spans).toEqual([]);
      } finally {
        await app.close();
      }
    });

    it('runs publish receivers in the publish span, and the body, hooks and receivers in the run span', async () => {
      const app = await start(true);
      const active = () => trace.getActiveSpan()?.spanContext().spanId;
      const inSignals: Record<string, string | undefined> = {};
      const offs = [
        beforeTaskPublish.connect(() => void (inSignals.before_task_publish = active()), { sender: 'otel.headers' }),
        taskPrerun.connect(() => void (inSignals.task_prerun = active()), { sender: 'otel.headers' }),
        taskSuccess.connect(() => void (inSignals.task_success = active()), { sender: 'otel.headers' }),
      ];
      try {
        const result = await app.executor.delay('otel.headers');
        await result.get({ timeoutMs: 10_000 });
        const [publish, run] = await log
          .until((all) => all.filter((s) => s.attributes['messaging.message.id'] === result.id).length === 2, 'publish and run spans')
          .then((all) => ['publish otel.headers', 'run otel.headers'].map((name) => all.find((s) => s.name === name && s.attributes['messaging.message.id'] === result.id)!));
        expect(app.seen).toEqual([{ traceparent: `00-${publish!.traceId}-${publish!.spanId}-01` }]);
        expect(inSignals).toEqual({ before_task_publish: publish!.spanId, task_prerun: run!.spanId, task_success: run!.spanId });
        expect(app.hookSpans).toEqual([run!.spanId]);
      } finally {
        offs.forEach((off) => off());
        await app.close();
      }
    });

    it('gives every task of a canvas its publish span, the next step published inside the run of the one before', async () => {
      const app = await start(true);
      try {
        log.spans.length = 0;
        const step = app.executor.canvas.signature('otel.headers');
        const last = await app.executor.canvas.chain(step, step).delay();
        await expect(last.get({ timeoutMs: 10_000 })).resolves.toBe('ok');
        const spans = await log.until((all) => all.filter((span) => span.name === 'run otel.headers').length === 2, 'two run spans');
        const publishes = spans.filter((span) => span.name === 'publish otel.headers');
        const runs = spans.filter((span) => span.name === 'run otel.headers');
        expect(publishes).toHaveLength(2);
        expect(new Set(spans.map((span) => span.traceId)).size).toBe(1);
        // The second step was published by the worker inside the first step's run span, and runs under that publish.
        const runIds = new Set(runs.map((span) => span.spanId));
        const published = publishes.find((span) => span.parentSpanId !== undefined && runIds.has(span.parentSpanId));
        expect(published).toBeDefined();
        expect(runs.some((span) => span.parentSpanId === published!.spanId)).toBe(true);
        expect(app.seen.every((headers) => typeof headers.traceparent === 'string')).toBe(true);
      } finally {
        await app.close();
      }
    });
  });
});
