import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { HttpAdapterHost, ModuleRef } from '@nestjs/core';
import type { StreamMessages, TaskSummary } from '../api-types';
import { DASHBOARD_OPTIONS } from '../dashboard.constants';
import { DashboardData } from '../dashboard.data';
import type { ResolvedDashboardOptions } from '../dashboard.options';
import { DashboardFeed } from '../feed/dashboard.feed';
import { listed } from '../feed/task-board';
import { CsrfCheck } from './csrf-check';
import { GuardRunner } from './guard-runner';
import { HttpExchange } from './http-exchange';
import { loadPageAssets, renderPage, type PageAssets } from './page-assets';
import { setSecurityHeaders } from './security-headers';

type Handler = (exchange: HttpExchange) => Promise<void> | void;
/** How the HTTP adapters (Express, Fastify) take a route. */
type RouteMethod = (path: string, handler: (request: unknown, response: unknown) => Promise<void>) => unknown;

/**
 * How long a stream gathers changes before it sends them: each task's latest state
 * once (however many events moved it meanwhile), every timeline entry, each worker once.
 */
const STREAM_FLUSH_MS = 100;
/** Comment line sent on idle event streams, so proxies keep them open. */
const KEEPALIVE_MS = 15_000;

/**
 * Mounts the page, its JSON API and its event stream under `path` on the app's HTTP
 * adapter (Express or Fastify). Every route runs the guard first; state-changing
 * routes are POST and pass the CSRF check; every response carries the security headers.
 */
@Injectable()
export class DashboardRoutes implements OnModuleInit, BeforeApplicationShutdown {
  /** Open event streams, ended when the app stops so that its server can close. */
  private readonly streams = new Set<ServerResponse>();
  private readonly csrf = new CsrfCheck();
  private readonly guard: GuardRunner;
  private assets: PageAssets | undefined;
  private readonly logger = new Logger('TasksDashboard');

  constructor(
    @Inject(DASHBOARD_OPTIONS) private readonly options: ResolvedDashboardOptions,
    private readonly adapterHost: HttpAdapterHost,
    private readonly moduleRef: ModuleRef,
    private readonly feed: DashboardFeed,
    private readonly data: DashboardData,
  ) {
    this.guard = new GuardRunner(options.guard, DashboardRoutes);
  }

  async onModuleInit(): Promise<void> {
    const adapter = this.adapterHost.httpAdapter as unknown as { get: RouteMethod; post: RouteMethod } | undefined;
    // An application context without HTTP (a worker process) serves nothing.
    if (!adapter) return;
    await this.guard.init(this.moduleRef);
    this.assets = loadPageAssets();
    const base = this.options.path;
    const get = (path: string, handler: Handler) => adapter.get(`${base}${path}`, this.route(handler, false));
    const post = (path: string, handler: Handler) => adapter.post(`${base}${path}`, this.route(handler, true));

    // Relative URLs of the page need the trailing slash; Express routes both spellings here.
    const page: Handler = (x) => (x.url.pathname.endsWith('/') ? this.page(x) : x.send(302, 'text/plain; charset=utf-8', '', { location: `${base}/` }));
    get('', page);
    get('/', page);
    get('/app.js', (x) => x.send(200, 'text/javascript; charset=utf-8', this.assets!.script, { 'cache-control': 'no-cache' }));
    get('/app.css', (x) => x.send(200, 'text/css; charset=utf-8', this.assets!.style, { 'cache-control': 'no-cache' }));
    get('/api/tasks', async (x) => {
      await this.feed.start();
      const q = x.url.searchParams;
      const limit = Number(q.get('limit') ?? 100);
      x.json(200, this.feed.board.list({ state: q.get('state') ?? '', name: q.get('name') ?? '', queue: q.get('queue') ?? '', search: q.get('search') ?? '', limit: Number.isFinite(limit) ? limit : 100 }));
    });
    get('/api/tasks/:id', async (x) => {
      await this.feed.start();
      const task = this.feed.board.detail(x.param('id'));
      if (task) x.json(200, task);
      else x.json(404, { message: `Task ${x.param('id')} was not seen in the event stream.` });
    });
    get('/api/workers', async (x) => x.json(200, await this.data.workers()));
    get('/api/schedules', async (x) => x.json(200, await this.data.schedules()));
    get('/api/charts', async (x) => {
      await this.feed.start();
      const minutes = Math.min(Math.max(Number(x.url.searchParams.get('minutes') ?? 5) || 5, 1), 60);
      x.json(200, this.feed.board.charts(Date.now(), minutes * 60_000, minutes * 60_000 / 30));
    });
    get('/api/stream', (x) => this.stream(x));
    post('/api/tasks/:id/revoke', async (x) => x.json(200, await this.data.revoke(x.param('id'), false)));
    post('/api/tasks/:id/terminate', async (x) => x.json(200, await this.data.revoke(x.param('id'), true)));
    post('/api/tasks/:id/retry', async (x) => this.outcome(x, await this.data.retry(this.feed, x.param('id'))));
    post('/api/schedules/:id/run', async (x) => x.json(200, await this.data.runSchedule(x.param('id'))));
  }

  beforeApplicationShutdown(): void {
    for (const out of this.streams) out.end();
    this.streams.clear();
  }

  private route(handler: Handler, changesState: boolean): (request: unknown, response: unknown) => Promise<void> {
    const routed = async (request: unknown, response: unknown): Promise<void> => {
      const exchange = new HttpExchange(request, response);
      setSecurityHeaders(exchange.out);
      try {
        const verdict = await this.guard.check(request, response, routed);
        if (!verdict.allowed) return exchange.json(verdict.status, { statusCode: verdict.status, message: verdict.message });
        if (changesState) {
          if (this.options.readOnly) return exchange.json(403, { statusCode: 403, message: 'The dashboard is read-only.' });
          const refusal = this.csrf.refusal(exchange);
          if (refusal !== undefined) return exchange.json(403, { statusCode: 403, message: refusal });
        }
        await handler(exchange);
      } catch (error) {
        this.logger.error(`${exchange.raw.method ?? 'GET'} ${exchange.url.pathname} failed: ${(error as Error).message}`, (error as Error).stack);
        exchange.json(500, { statusCode: 500, message: (error as Error).message });
      }
    };
    return routed;
  }

  private page(exchange: HttpExchange): void {
    const html = renderPage(this.assets!.html, { base: this.options.path, csrf: this.csrf.token, readOnly: this.options.readOnly });
    exchange.send(200, 'text/html; charset=utf-8', html, { 'cache-control': 'no-store' });
  }

  private outcome(exchange: HttpExchange, outcome: { ok: boolean }): void {
    exchange.json(outcome.ok ? 200 : 409, outcome);
  }

  /**
   * Server-sent events: the board's changes, gathered for up to STREAM_FLUSH_MS. Timeline
   * entries only of the tasks named with `?timeline=<id>` (or all, `?timeline=*`): the page
   * reads a task's timeline with the task when the task changes.
   */
  private async stream(exchange: HttpExchange): Promise<void> {
    const timelinesOf = new Set(exchange.url.searchParams.getAll('timeline'));
    const everyTimeline = timelinesOf.has('*');
    await this.feed.start();
    const out = exchange.out;
    out.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    out.write(': connected\n\n');
    // Changes are gathered and go out together, at most every STREAM_FLUSH_MS: a busy
    // board costs the page (and this process) one message per task per flush, not per event.
    const tasks = new Map<string, TaskSummary>();
    const workers = new Set<string>();
    let timeline: Array<StreamMessages['timeline']> = [];
    let timer: NodeJS.Timeout | undefined;
    const flush = () => {
      timer = undefined;
      let text = '';
      for (const summary of tasks.values()) text += message('task', listed(summary));
      for (const entry of timeline) text += message('timeline', entry);
      for (const name of workers) text += message('worker', { name });
      tasks.clear();
      workers.clear();
      timeline = [];
      if (!out.writableEnded) out.write(text);
    };
    const changed = () => (timer ??= setTimeout(flush, STREAM_FLUSH_MS));
    const unsubscribe = this.feed.board.subscribe({
      task: (summary) => {
        // Sent in the order tasks first changed since the last flush, each with its state at the flush.
        tasks.set(summary.id, summary);
        changed();
      },
      timeline: (taskId, entry) => {
        if (!everyTimeline && !timelinesOf.has(taskId)) return;
        timeline.push({ taskId, entry });
        changed();
      },
      worker: (name) => {
        workers.add(name);
        changed();
      },
    });
    const keepalive = setInterval(() => out.write(': keepalive\n\n'), KEEPALIVE_MS);
    keepalive.unref();
    this.streams.add(out);
    const end = () => {
      this.streams.delete(out);
      clearInterval(keepalive);
      clearTimeout(timer);
      unsubscribe();
    };
    exchange.raw.on('close', end);
    out.on('close', end);
  }
}

/** One server-sent event. */
function message<Name extends keyof StreamMessages>(name: Name, data: StreamMessages[Name]): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}
