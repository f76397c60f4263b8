import { TaskState, type PublishOptions, type TaskDefinition, type TaskHeaders, type TaskRequest } from '@tasks/core';
import type { AttemptOutcome } from '@tasks/core/internal';
import type { Attributes, Link, Span, SpanContext, Tracer, TracerProvider } from '@opentelemetry/api';
import { otelApi, type Otel } from './otel-api';
import { formatTraceParent, parseTraceParent } from './trace-context';

/** What a publish resolved to, for the span's attributes. */
export interface PublishedTask {
  readonly taskId: string;
  readonly queue: string;
}

const TRACER_NAME = '@tasks/bullmq';
const MESSAGING_SYSTEM = 'bullmq';

/**
 * OpenTelemetry spans of tasks: a `publish <task>` PRODUCER span around each
 * publish, whose context travels in the task's headers as W3C `traceparent` /
 * `tracestate`, and a `run <task>` CONSUMER span around each attempt, child of
 * (and linked to) that publish span. The attempt (body, class hooks, signal
 * receivers) runs inside the run span's context, so spans the body opens nest
 * under it.
 *
 * Off when disabled, when `@opentelemetry/api` is not installed, or while no
 * tracer provider is registered: then each call costs one property read.
 */
export class TaskTelemetry {
  private readonly api: Otel | undefined;
  /** The provider the API hands out while none is registered. */
  private readonly noopProvider: TracerProvider | undefined;
  private lastProvider: TracerProvider | undefined;
  private lastTracer: Tracer | undefined;

  constructor(enabled: boolean) {
    this.api = enabled ? otelApi() : undefined;
    this.noopProvider = this.api ? new this.api.ProxyTracerProvider().getDelegate() : undefined;
  }

  /**
   * Runs `send` inside a `publish <name>` span, with the span's trace context
   * added to the headers of `options`.
   */
  publish<Published extends PublishedTask>(name: string, options: PublishOptions, send: (options: PublishOptions) => Promise<Published>): Promise<Published> {
    const tracer = this.tracer();
    if (!tracer) return send(options);
    return this.tracePublish(this.api!, tracer, name, options, send);
  }

  /** Whether publishes are traced now (a tracer provider is registered); when not, `publish` only calls `send`. */
  get tracing(): boolean {
    return this.tracer() !== undefined;
  }

  /** Runs one attempt inside a `run <task>` span continuing the trace its headers carry. */
  run(task: TaskDefinition, request: TaskRequest, attempt: () => Promise<AttemptOutcome>): Promise<AttemptOutcome> {
    const tracer = this.tracer();
    if (!tracer) return attempt();
    return this.traceRun(this.api!, tracer, task, request, attempt);
  }

  private async tracePublish<Published extends PublishedTask>(
    api: Otel,
    tracer: Tracer,
    name: string,
    options: PublishOptions,
    send: (options: PublishOptions) => Promise<Published>,
  ): Promise<Published> {
    const span = tracer.startSpan(`publish ${name}`, {
      kind: api.SpanKind.PRODUCER,
      attributes: { ...messaging('publish', 'send'), 'tasks.name': name },
    });
    const spanContext = span.spanContext();
    const headers: TaskHeaders = { ...options.headers, traceparent: formatTraceParent(spanContext) };
    const traceState = spanContext.traceState?.serialize();
    if (traceState) headers.tracestate = traceState;
    try {
      const published = await api.context.with(api.trace.setSpan(api.context.active(), span), () => send({ ...options, headers }));
      span.setAttributes({ 'messaging.destination.name': published.queue, 'messaging.message.id': published.taskId });
      return published;
    } catch (thrown) {
      recordError(api, span, thrown);
      throw thrown;
    } finally {
      span.end();
    }
  }

  private async traceRun(api: Otel, tracer: Tracer, task: TaskDefinition, request: TaskRequest, attempt: () => Promise<AttemptOutcome>): Promise<AttemptOutcome> {
    const parent = publishContext(api, request);
    const base = parent ? api.trace.setSpanContext(api.context.active(), parent) : api.context.active();
    const links: Link[] = parent ? [{ context: parent }] : [];
    const span = tracer.startSpan(
      `run ${task.name}`,
      {
        kind: api.SpanKind.CONSUMER,
        links,
        attributes: {
          ...messaging('process', 'process'),
          'messaging.destination.name': request.queue,
          'messaging.message.id': request.id,
          'tasks.name': task.name,
          'tasks.retries': request.retries,
        },
      },
      base,
    );
    try {
      const outcome = await api.context.with(api.trace.setSpan(base, span), attempt);
      recordOutcome(api, span, outcome);
      return outcome;
    } catch (thrown) {
      recordError(api, span, thrown);
      throw thrown;
    } finally {
      span.end();
    }
  }

  /** The tracer of the registered provider, or `undefined` while none is registered. */
  private tracer(): Tracer | undefined {
    const api = this.api;
    if (!api) return undefined;
    const provider = api.trace.getTracerProvider();
    if (provider instanceof api.ProxyTracerProvider && provider.getDelegate() === this.noopProvider) return undefined;
    if (provider !== this.lastProvider) {
      this.lastProvider = provider;
      this.lastTracer = provider.getTracer(TRACER_NAME);
    }
    return this.lastTracer;
  }
}

function messaging(operationName: string, operationType: string): Attributes {
  return { 'messaging.system': MESSAGING_SYSTEM, 'messaging.operation.name': operationName, 'messaging.operation.type': operationType };
}

/** The publish span's context, from the task's headers. */
function publishContext(api: Otel, request: TaskRequest): SpanContext | undefined {
  const parent = parseTraceParent(request.headers.traceparent);
  if (!parent) return undefined;
  const traceState = request.headers.tracestate;
  return { ...parent, isRemote: true, traceState: typeof traceState === 'string' && traceState !== '' ? api.createTraceState(traceState) : undefined };
}

/** Retries and revokes are events of the attempt's span; a final failure is its error. */
function recordOutcome(api: Otel, span: Span, outcome: AttemptOutcome): void {
  span.setAttribute('tasks.state', outcome.state);
  switch (outcome.state) {
    case TaskState.SUCCESS:
      return;
    case TaskState.RETRY:
      span.addEvent('retry', { 'exception.type': outcome.error.name, 'exception.message': outcome.error.message, 'tasks.retry.delay_ms': outcome.delayMs });
      return;
    case TaskState.REVOKED:
      span.addEvent('revoked', { 'tasks.revoke.reason': outcome.error.reason, 'tasks.revoke.terminated': true });
      return;
    case TaskState.FAILURE:
      recordError(api, span, outcome.error);
  }
}

function recordError(api: Otel, span: Span, thrown: unknown): void {
  const error = thrown instanceof Error ? thrown : new Error(String(thrown));
  span.recordException(error);
  span.setStatus({ code: api.SpanStatusCode.ERROR, message: `${error.name}: ${error.message}` });
}
