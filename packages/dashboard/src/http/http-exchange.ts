import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * One request as the dashboard handles it, on Express and Fastify alike: the
 * adapter's own objects (what a guard expects) and Node's (what is written to).
 */
export class HttpExchange {
  readonly raw: IncomingMessage;
  readonly out: ServerResponse;
  readonly url: URL;

  constructor(
    /** The adapter's request (Express `Request`, Fastify `FastifyRequest`). */
    readonly request: unknown,
    /** The adapter's response (Express `Response`, Fastify `FastifyReply`). */
    readonly response: unknown,
  ) {
    const fastifyRequest = request as { raw?: IncomingMessage };
    const fastifyReply = response as { raw?: ServerResponse; hijack?: () => void };
    this.raw = fastifyRequest.raw ?? (request as IncomingMessage);
    this.out = fastifyReply.raw ?? (response as ServerResponse);
    // Fastify must leave the reply to us.
    if (typeof fastifyReply.hijack === 'function') fastifyReply.hijack();
    this.url = new URL(this.raw.url ?? '/', 'http://localhost');
  }

  /** A route parameter (`:id`), as the adapter decoded it. */
  param(name: string): string {
    const params = (this.request as { params?: Record<string, unknown> }).params ?? {};
    const value = params[name];
    return typeof value === 'string' ? value : '';
  }

  header(name: string): string | undefined {
    const value = this.raw.headers[name.toLowerCase()];
    return Array.isArray(value) ? value[0] : value;
  }

  send(status: number, type: string, body: string | Buffer, headers: Record<string, string> = {}): void {
    if (this.out.headersSent) {
      this.out.end();
      return;
    }
    this.out.writeHead(status, { 'content-type': type, 'content-length': String(Buffer.byteLength(body)), ...headers });
    this.out.end(body);
  }

  json(status: number, body: unknown): void {
    this.send(status, 'application/json; charset=utf-8', JSON.stringify(body), { 'cache-control': 'no-store' });
  }
}
