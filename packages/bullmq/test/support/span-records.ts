import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, SimpleSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';

/** A finished span as plain JSON, so it can cross a process boundary. */
export interface SpanRecord {
  name: string;
  kind: number;
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  links: Array<{ traceId: string; spanId: string }>;
  attributes: Record<string, unknown>;
  status: { code: number; message?: string };
  events: Array<{ name: string; attributes: Record<string, unknown> }>;
}

export function toRecord(span: ReadableSpan): SpanRecord {
  const { traceId, spanId } = span.spanContext();
  return {
    name: span.name,
    kind: span.kind,
    traceId,
    spanId,
    parentSpanId: span.parentSpanContext?.spanId,
    links: span.links.map((link) => ({ traceId: link.context.traceId, spanId: link.context.spanId })),
    attributes: { ...span.attributes },
    status: { ...span.status },
    events: span.events.map((event) => ({ name: event.name, attributes: { ...event.attributes } })),
  };
}

/** An exporter that hands every finished span to `sink` as a {@link SpanRecord}. */
export function recordingExporter(sink: (record: SpanRecord) => void): SpanExporter {
  return {
    export: (spans, done) => {
      spans.forEach((span) => sink(toRecord(span)));
      done({ code: 0 });
    },
    shutdown: () => Promise.resolve(),
  };
}

/**
 * Registers a tracer provider exporting each span as it ends, and the
 * AsyncLocalStorage context manager (as the OpenTelemetry Node SDK does).
 * @returns a function that unregisters both.
 */
export function installTracing(exporter: SpanExporter): () => void {
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(provider);
  return () => {
    trace.disable();
    context.disable();
  };
}

/** Spans received so far, and a way to wait for the ones a test expects. */
export class SpanLog {
  readonly spans: SpanRecord[] = [];
  private readonly waiters = new Set<() => void>();

  add = (record: SpanRecord): void => {
    this.spans.push(record);
    for (const wake of [...this.waiters]) wake();
  };

  /** Resolves with the spans once `ready` accepts them. */
  until(ready: (spans: readonly SpanRecord[]) => boolean, what: string, limitMs = 20_000): Promise<SpanRecord[]> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!ready(this.spans)) return;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve([...this.spans]);
      };
      // A safety net only: the test waits on spans arriving, not on time.
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`Timed out waiting for ${what}; spans so far: ${this.spans.map((s) => s.name).join(', ')}`));
      }, limitMs);
      this.waiters.add(check);
      check();
    });
  }

  named(name: string): SpanRecord[] {
    return this.spans.filter((span) => span.name === name);
  }
}
