import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { fork, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { BullmqExecutor } from '../../src';
import { deferred } from '../support/harness';
import { deleteKeys, REDIS_URL, uniquePrefix } from '../support/redis';
import { installTracing, recordingExporter, SpanLog, type SpanRecord } from '../support/span-records';

const WORKER_SCRIPT = resolve(__dirname, '../fixtures/telemetry-worker-process.ts');
const QUEUE = 'otel';

/**
 * One trace across two processes: this one serves HTTP and publishes, a child
 * process runs the worker. Both export their spans into one log.
 */
describe('OpenTelemetry traces from publish to body, across processes', () => {
  const log = new SpanLog();
  const prefix = uniquePrefix('otel');
  let uninstall: () => void;
  let executor: BullmqExecutor;
  let child: ChildProcess;
  let childExited: Promise<unknown>;
  let server: Server;
  let baseUrl: string;

  beforeAll(async () => {
    uninstall = installTracing(recordingExporter(log.add));
    executor = await BullmqExecutor.connect({ connection: REDIS_URL, prefix, queues: [QUEUE] });
    const ready = deferred();
    child = fork(WORKER_SCRIPT, [], {
      execArgv: ['-r', require.resolve('esbuild-register')],
      env: { ...process.env, TASKS_TELEMETRY_WORKER: JSON.stringify({ redisUrl: REDIS_URL, prefix, queue: QUEUE }) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    childExited = new Promise((done) => child.once('exit', done));
    child.on('message', (message: { kind: string; span?: SpanRecord }) => {
      if (message.kind === 'ready') ready.resolve();
      if (message.kind === 'span' && message.span) log.add(message.span);
    });
    await ready.promise;

    // An HTTP endpoint that publishes a task while it handles the request.
    const tracer = trace.getTracer('test-http-server');
    server = createServer((request, response) => {
      void tracer.startActiveSpan(`${request.method} /orders`, { kind: SpanKind.SERVER }, async (span) => {
        const result = await executor.applyAsync('otel.work', ['o-1'], { queue: QUEUE });
        span.end();
        response.end(result.id);
      });
    });
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((closed) => server?.close(closed));
    child?.kill('SIGKILL');
    await childExited;
    await executor?.close();
    uninstall?.();
    await deleteKeys(prefix);
  });

  const publishSpanOf = (taskId: string) => log.spans.find((s) => s.name.startsWith('publish ') && s.attributes['messaging.message.id'] === taskId);

  it('nests HTTP request -> publish -> run -> a span the body opens, with links and messaging attributes', async () => {
    const taskId = await fetch(`${baseUrl}/orders`, { method: 'POST' }).then((response) => response.text());
    const spans = await log.until(
      (all) => all.some((s) => s.name === 'db.query') && all.some((s) => s.name === 'run otel.work') && publishSpanOf(taskId) !== undefined,
      'the spans of the HTTP request',
    );
    const http = spans.find((s) => s.name === 'POST /orders')!;
    const publish = publishSpanOf(taskId)!;
    const run = spans.find((s) => s.name === 'run otel.work' && s.attributes['messaging.message.id'] === taskId)!;
    const body = spans.find((s) => s.name === 'db.query' && s.traceId === http.traceId)!;

    expect(http).toMatchObject({ kind: SpanKind.SERVER, parentSpanId: undefined });
    expect(publish).toMatchObject({
      name: 'publish otel.work',
      kind: SpanKind.PRODUCER,
      traceId: http.traceId,
      parentSpanId: http.spanId,
      attributes: {
        'messaging.system': 'bullmq',
        'messaging.operation.name': 'publish',
        'messaging.operation.type': 'send',
        'messaging.destination.name': QUEUE,
        'messaging.message.id': taskId,
        'tasks.name': 'otel.work',
      },
    });
    expect(run).toMatchObject({
      kind: SpanKind.CONSUMER,
      traceId: http.traceId,
      parentSpanId: publish.spanId,
      links: [{ traceId: http.traceId, spanId: publish.spanId }],
      attributes: {
        'messaging.system': 'bullmq',
        'messaging.operation.name': 'process',
        'messaging.operation.type': 'process',
        'messaging.destination.name': QUEUE,
        'messaging.message.id': taskId,
        'tasks.name': 'otel.work',
        'tasks.retries': 0,
        'tasks.state': 'SUCCESS',
      },
      status: { code: SpanStatusCode.UNSET },
    });
    expect(body).toMatchObject({ traceId: http.traceId, parentSpanId: run.spanId, attributes: { 'db.order': 'o-1' } });
  });

  it('gives each attempt of a retried task its own run span in the same trace, the retry as an event', async () => {
    const result = await executor.applyAsync('otel.flaky', [], { queue: QUEUE });
    await expect(result.get({ timeoutMs: 10_000 })).resolves.toBe('second attempt');
    const spans = await log.until((all) => all.filter((s) => s.attributes['messaging.message.id'] === result.id).length === 3, 'a publish and two runs');
    const publish = publishSpanOf(result.id)!;
    const runs = spans.filter((s) => s.name === 'run otel.flaky' && s.attributes['messaging.message.id'] === result.id);
    runs.sort((a, b) => Number(a.attributes['tasks.retries']) - Number(b.attributes['tasks.retries']));

    expect(runs.map((r) => [r.traceId, r.parentSpanId, r.attributes['tasks.retries'], r.attributes['tasks.state']])).toEqual([
      [publish.traceId, publish.spanId, 0, 'RETRY'],
      [publish.traceId, publish.spanId, 1, 'SUCCESS'],
    ]);
    expect(runs[0]!.events).toEqual([
      { name: 'retry', attributes: { 'exception.type': 'FlakyError', 'exception.message': 'first attempt fails', 'tasks.retry.delay_ms': 10 } },
    ]);
    expect(runs[0]!.status.code).toBe(SpanStatusCode.UNSET);
    expect(runs[1]!.events).toEqual([]);
  });

  it('marks a failed task ERROR and records the exception', async () => {
    const result = await executor.applyAsync('otel.broken', [], { queue: QUEUE });
    await expect(result.get({ timeoutMs: 10_000 })).rejects.toMatchObject({ name: 'BrokenError', message: 'card declined' });
    const spans = await log.until((all) => all.some((s) => s.name === 'run otel.broken' && s.attributes['messaging.message.id'] === result.id), 'the failed run');
    const run = spans.find((s) => s.name === 'run otel.broken' && s.attributes['messaging.message.id'] === result.id)!;

    expect(run.parentSpanId).toBe(publishSpanOf(result.id)!.spanId);
    expect(run.attributes['tasks.state']).toBe('FAILURE');
    expect(run.status).toEqual({ code: SpanStatusCode.ERROR, message: 'BrokenError: card declined' });
    expect(run.events).toEqual([
      expect.objectContaining({ name: 'exception', attributes: expect.objectContaining({ 'exception.type': 'BrokenError', 'exception.message': 'card declined' }) }),
    ]);
  });
});
