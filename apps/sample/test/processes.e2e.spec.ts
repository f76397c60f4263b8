import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Order, OrderWithTimeline } from '../src/order.model';
import { deleteKeys } from '../src/redis-admin';
import { builtScript, ensureBuilt } from './support/build';
import { Child } from './support/child';
import { REDIS_URL, uniquePrefix } from './support/redis';
import { API_LANE, CHARGE_LANE, FULFILLED, flowOrderProblems, lanes } from './support/timeline';

// The built sample, run as a user runs it: `node dist/….js` in processes of their own.

beforeAll(() => ensureBuilt(), 120_000);

describe('the order service split into an API process and a worker process', () => {
  const prefix = uniquePrefix();
  const children: Child[] = [];

  afterAll(async () => {
    await Promise.all(children.map((child) => child.stop()));
    await deleteKeys(REDIS_URL, prefix);
  });

  it('runs the flow of an order posted to the API in the worker, and both processes write its timeline', async () => {
    const env = { REDIS_URL, SAMPLE_PREFIX: prefix, PORT: '0' };
    const worker = new Child(builtScript('worker.main.js'), env);
    const api = new Child(builtScript('api.main.js'), env);
    children.push(worker, api);
    const [, url] = await api.waitForLine(/Orders API listening on (http:\/\/[\d.]+:\d+)/);
    await worker.waitForLine(/Worker ready/);

    const response = await fetch(`${url}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'grace@example.com', total: 42.5, card: 'tok_flaky' }),
    });
    expect(response.status).toBe(201);
    const { id } = (await response.json()) as Order;
    await worker.waitForLine(new RegExp(`Order ${id} settled: fulfilled`));

    const order = (await (await fetch(`${url}/orders/${id}`)).json()) as OrderWithTimeline;
    expect(order).toMatchObject({ status: 'fulfilled', chargeId: expect.stringMatching(/^ch_/), receiptSentTo: 'grace@example.com' });
    expect(lanes(order.timeline)).toEqual({ api: API_LANE, charge: CHARGE_LANE.flaky, ...FULFILLED });
    expect(flowOrderProblems(order.timeline)).toEqual([]);
    // Each process recorded the signals that fired in it: payment_captured in the worker's.
    for (const entry of order.timeline) expect(entry.pid).toBe(entry.where === 'api' ? api.pid : worker.pid);
    expect(order.timeline.find((entry) => entry.signal === 'payment_captured')).toMatchObject({ where: 'worker', pid: worker.pid });
  });

  it('drains the worker on SIGTERM: worker_shutting_down, then worker_shutdown, then it exits', async () => {
    const worker = children[0]!;
    // Nest's shutdown hooks close the app, then re-raise the signal: the exit is by SIGTERM, not SIGKILL.
    await expect(worker.stop()).resolves.toEqual({ code: null, signal: 'SIGTERM' });
    const draining = (await worker.waitForLine(/draining \(SIGTERM\)/)).input!;
    const stopped = (await worker.waitForLine(/stopped \(warm shutdown\)/)).input!;
    expect(worker.lineIndex(draining)).toBeGreaterThanOrEqual(0);
    expect(worker.lineIndex(draining)).toBeLessThan(worker.lineIndex(stopped));
  });
});

describe('pnpm demo', () => {
  const run = (script: string, env: Record<string, string>) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [script], { env: { ...process.env, ...env } }, (error, stdout, stderr) =>
        resolve({ code: typeof error?.code === 'number' ? error.code : error ? 1 : 0, stdout, stderr }),
      );
    });
  const runDemo = (env: Record<string, string>) => run(builtScript('demo.js'), env);
  const notReachable = (url: string) => `Redis is not reachable at ${url} (REDIS_URL) — start one with: redis-server --daemonize yes --save "" --appendonly no, or set REDIS_URL to one that runs\n`;

  it('places the three orders and prints each timeline', async () => {
    const { code, stdout, stderr } = await runDemo({ REDIS_URL });

    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const headings = stdout.split('\n').filter((line) => /^ord_\w+ /.test(line));
    expect(headings).toEqual([
      expect.stringMatching(/card tok_ok {2}-> {2}fulfilled: paid \(ch_\w+\), receipt sent to ada@example.com, stock res_\w+$/),
      expect.stringMatching(/card tok_flaky {2}-> {2}fulfilled: paid \(ch_\w+\), receipt sent to grace@example.com, stock res_\w+$/),
      expect.stringMatching(/card tok_declined {2}-> {2}payment failed: CardDeclinedError: card tok_declined declined$/),
    ]);
    expect(stdout).toMatch(/worker {2}payment_captured {5}billing/);
    // The sales report's schedule ticked once the orders were settled, and saw them.
    expect(stdout).toMatch(/^Periodic task reports\.sales \(every 2000 ms, source code\): a tick after the orders settled$/m);
    const tick = /task repeat:reports\.sales:(\d+) {2}scheduled for (\S+) {2}started \d+ ms after {2}-> {2}2 paid \(67\.50\), 1 payment failed$/m.exec(stdout);
    expect(tick).not.toBeNull();
    expect(new Date(Number(tick![1])).toISOString()).toBe(tick![2]);
    expect(stdout).toMatch(/schedules\.list\(\): queue reports {2}last \S+ {2}next \S+$/m);
    expect(stdout).toMatch(/worker {2}task_received {8}orders\.fulfil/);
  });

  it('says in one line that Redis is not reachable, and how to start one, and fails', async () => {
    const deadUrl = `redis://127.0.0.1:${await freePort()}`;
    const startedAt = Date.now();

    const { code, stdout, stderr } = await runDemo({ REDIS_URL: deadUrl });

    expect({ code, stdout, stderr }).toEqual({ code: 1, stdout: '', stderr: notReachable(deadUrl) });
    expect(Date.now() - startedAt).toBeLessThan(10_000);
  });

  it('checks Redis the same way before it builds anything', async () => {
    const checkRedis = join(__dirname, '../scripts/check-redis.mjs');
    const deadUrl = `redis://127.0.0.1:${await freePort()}`;

    await expect(run(checkRedis, { REDIS_URL })).resolves.toEqual({ code: 0, stdout: '', stderr: '' });
    await expect(run(checkRedis, { REDIS_URL: deadUrl })).resolves.toEqual({ code: 1, stdout: '', stderr: notReachable(deadUrl) });
  });
});

/** A port nothing listens on: one the system just handed out and took back. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}
