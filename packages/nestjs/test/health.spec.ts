import { Controller, Get, Module, type INestApplication } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TerminusModule, type HealthCheckResult } from '@nestjs/terminus';
import { Test } from '@nestjs/testing';
import { TaskClient, TasksHealth, TasksModule } from '@tasks/nestjs';
import { TasksHealthIndicator } from '@tasks/nestjs/terminus';
import { randomUUID } from 'node:crypto';
import { EmailModule } from './fixtures/email.module';
import { OwnRedis } from './support/own-redis';
import { startApp } from './support/start-app';

@Controller('health')
class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly tasks: TasksHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  check(): Promise<HealthCheckResult> {
    return this.health.check([() => this.tasks.isHealthy('tasks', { timeoutMs: 500 })]);
  }
}

@Module({ imports: [TerminusModule.forRoot({ logger: false })], controllers: [HealthController], providers: [TasksHealthIndicator] })
class HealthModule {}

async function getHealth(url: string): Promise<{ status: number; body: HealthCheckResult; ms: number }> {
  const started = performance.now();
  const response = await fetch(`${url}/health`);
  const body = (await response.json()) as HealthCheckResult;
  return { status: response.status, body, ms: performance.now() - started };
}

// Stops Redis, so it runs on a redis-server of its own, never on the shared one.
describe('TasksHealthIndicator in an HTTP app', () => {
  let redis: OwnRedis;
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    redis = await OwnRedis.start();
    const moduleRef = await Test.createTestingModule({
      imports: [
        TasksModule.forRoot({ connection: redis.url, prefix: `health-${randomUUID().slice(0, 8)}`, connectTimeoutMs: 1000, shutdownTimeoutMs: 1000 }),
        EmailModule,
        HealthModule,
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    url = await app.getUrl();
  });
  afterAll(async () => {
    await app?.close();
    await redis?.stop();
  });

  it('answers 200 with Redis, the worker and its queues, 503 within 1 s after Redis stops, and 200 once it is back', async () => {
    await app.get(TaskClient).applyAsync('emails.send', ['a@b.c', 'later'], { delayMs: 60_000 });

    const up = await getHealth(url);
    expect(up.status).toBe(200);
    expect(up.body).toMatchObject({
      status: 'ok',
      info: {
        tasks: {
          status: 'up',
          redis: { reachable: true },
          worker: { state: 'running' },
          queues: { emails: { waiting: 0, delayed: 1, active: 0, failed: 0 } },
        },
      },
    });

    await redis.stop();
    const down = await getHealth(url);
    expect(down.status).toBe(503);
    expect(down.ms).toBeLessThan(1000);
    expect(down.body).toMatchObject({
      status: 'error',
      error: { tasks: { status: 'down', redis: { reachable: false }, worker: { state: 'running' }, queues: {} } },
    });

    // Same port, fresh server: the clients reconnect by themselves and the check recovers.
    redis = await OwnRedis.start(redis.port);
    await expect(waitForStatus(url, 200)).resolves.toBe(200);
  }, 30_000);
});

describe('TasksHealth without terminus', () => {
  it('is ok in eager mode while the app runs, and not once it closed', async () => {
    const app = await startApp({ imports: [TasksModule.forRoot({ eager: true }), EmailModule] });
    const health = app.get(TasksHealth);
    await expect(health.status()).resolves.toEqual({ ok: true, redis: undefined, worker: undefined, queues: {} });
    await app.close();
    await expect(health.status()).resolves.toMatchObject({ ok: false });
  });
});

/**
 * Asks `/health` again each time the previous answer came, until it is `status`. While
 * Redis is away each answer takes the check's deadline, so this does not spin.
 */
async function waitForStatus(url: string, status: number): Promise<number> {
  for (;;) {
    const answer = await getHealth(url);
    if (answer.status === status) return answer.status;
  }
}
