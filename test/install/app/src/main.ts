// A small app as a user writes it, compiled and run by pack-install.spec.ts against the
// packed tarballs: `node dist/main.js eager`, or `node dist/main.js redis` with REDIS_URL
// and TASKS_PREFIX set. It prints one JSON line with what it saw.
import 'reflect-metadata';
import { Injectable, Module, type CanActivate, type DynamicModule, type ExecutionContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { BULLMQ_DEFAULTS } from '@tasks/bullmq';
import { TasksDashboardModule } from '@tasks/dashboard';
import { defineSignal, OnSignal, Task, type SignalEvent } from '@tasks/core';
import { SignalBus, TaskClient, TasksHealth, TasksModule } from '@tasks/nestjs';
import { TasksHealthIndicator } from '@tasks/nestjs/terminus';

interface SumComputed {
  sum: number;
}
const sumComputed = defineSignal<SumComputed>('sum_computed');

declare module '@tasks/core' {
  interface SignalMap {
    sum_computed: SumComputed;
  }
}

@Injectable()
class MathTasks {
  constructor(private readonly signals: SignalBus) {}

  @Task({ name: 'math.add', maxRetries: 1 })
  async add(a: number, b: number): Promise<number> {
    await this.signals.send(sumComputed, 'math', { sum: a + b });
    return a + b;
  }
}

@Injectable()
class Audit {
  readonly seen: string[] = [];

  @OnSignal('task_success', { sender: 'math.add' })
  succeeded(event: SignalEvent<'task_success'>): void {
    this.seen.push(`${event.signal} ${event.sender} ${String(event.result)}`);
  }

  @OnSignal(sumComputed)
  computed(event: SignalEvent<'sum_computed'>): void {
    this.seen.push(`${event.signal} ${event.sender} ${event.sum}`);
  }
}

@Injectable()
class TokenGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>();
    return request.headers.authorization === 'Bearer install-check';
  }
}

/** Against Redis, the dashboard too: served over HTTP, its task list guarded by a token. */
async function dashboardCheck(): Promise<{ refused: number; page: number; csp: boolean; tasks: number }> {
  @Module({ imports: [tasksModule('redis'), TasksDashboardModule.forRoot({ path: '/tasks', guard: TokenGuard })], providers: [TokenGuard] })
  class WebModule {}

  const web = await NestFactory.create(WebModule, { logger: ['error', 'warn'] });
  await web.listen(0, '127.0.0.1');
  try {
    const base = `${await web.getUrl()}/tasks`;
    const auth = { headers: { authorization: 'Bearer install-check' } };
    const refused = (await fetch(`${base}/api/tasks`)).status;
    const page = await fetch(`${base}/`, auth);
    const tasks = await fetch(`${base}/api/tasks`, auth);
    await tasks.json();
    return { refused, page: page.status, csp: (page.headers.get('content-security-policy') ?? '').includes("script-src 'self'"), tasks: tasks.status };
  } finally {
    await web.close();
  }
}

function tasksModule(mode: string): DynamicModule {
  if (mode === 'eager') return TasksModule.forRoot({ eager: true });
  return TasksModule.forRoot({
    connection: process.env.REDIS_URL ?? BULLMQ_DEFAULTS.connection,
    prefix: process.env.TASKS_PREFIX ?? BULLMQ_DEFAULTS.prefix,
    worker: { concurrency: 2 },
  });
}

async function main(mode: string): Promise<void> {
  @Module({ imports: [tasksModule(mode), TerminusModule], providers: [MathTasks, Audit, TasksHealthIndicator] })
  class AppModule {}

  const app = await NestFactory.createApplicationContext(AppModule, { logger: ['error', 'warn'] });
  const result = await app.get(TaskClient).ref(MathTasks, 'add').delay(2, 3);
  const sum: number = await result.get({ timeoutMs: 10_000 });
  const state = await result.state();
  const { ok } = await app.get(TasksHealth).status();
  const health = (await app.get(TasksHealthIndicator).isHealthy('tasks')).tasks.status;
  const seen = app.get(Audit).seen;
  await app.close();
  const dashboard = mode === 'redis' ? await dashboardCheck() : undefined;
  console.log(JSON.stringify({ mode, sum, state, ok, health, seen, ...(dashboard && { dashboard }) }));
}

main(process.argv[2] ?? 'eager').catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
