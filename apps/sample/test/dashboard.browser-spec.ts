import type { BullmqExecutor } from '@tasks/bullmq';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { PageProblems } from './support/browser';
import { ensureBuilt } from './support/build';
import { DASHBOARD_TEST_TOKEN as TOKEN, startDashboardApp, type DashboardApp } from './support/dashboard-app';

// The dashboard of the built sample in a real browser: an API process serving it and a
// worker process running the tasks, as a user runs them.

const SCRIPT_ARG = '<script>alert(1)</script>';
const IMG_ARG = '"><img src=x onerror=alert(1)>';
/** With `DASHBOARD_SCREENSHOTS=1`, each page is saved under docs/img/. */
const SCREENSHOTS = process.env.DASHBOARD_SCREENSHOTS === '1' ? join(__dirname, '../../../docs/img') : undefined;

beforeAll(() => ensureBuilt(), 120_000);

describe('the tasks dashboard of the sample, in chromium', () => {
  let app: DashboardApp;
  let url: string;
  let page: Page;
  let problems: PageProblems;
  let offsite: string[];
  let executor: BullmqExecutor;

  /** Opens, from the tasks page, the task `name` of an order once it is listed in `state`. */
  async function openTask(name: string, orderId: string, state: string): Promise<void> {
    await page.goto(`${url}/tasks/#/tasks?name=${name}`);
    const row = page.locator('#tasks-table tbody tr', { hasText: orderId }).filter({ hasText: state });
    await row.waitFor();
    await row.locator('a').first().click();
  }

  const placeOrder = (email: string, card?: string) => app.placeOrder(email, card);
  const screenshot = async (name: string) => {
    if (!SCREENSHOTS) return;
    mkdirSync(SCREENSHOTS, { recursive: true });
    // The last action's message would hide part of the page.
    await page.evaluate('document.getElementById("toast").textContent = ""');
    await page.screenshot({ path: join(SCREENSHOTS, `dashboard-${name}.png`), fullPage: true });
  };
  const row = (taskId: string) => page.locator(`#tasks-table tr[data-task-id="${taskId}"]`);
  const timelineSignals = () => page.locator('#timeline-table tbody tr td:nth-child(4)').allTextContents();

  beforeAll(async () => {
    app = await startDashboardApp();
    ({ url, page, problems, offsite, executor } = app);
  });
  afterAll(() => app?.close());
  afterEach(() => {
    // No page of the dashboard may break its own policy, open a dialog, throw, or reach elsewhere.
    expect(problems).toEqual({ violations: [], dialogs: [], errors: [] });
    expect(offsite).toEqual([]);
  });

  it('refuses a wrong token with 403, and asks a browser without one for it', async () => {
    const wrong = await fetch(`${url}/tasks/`, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(403);
    const api = await fetch(`${url}/tasks/api/tasks`, { headers: { authorization: 'Basic ' + Buffer.from('admin:nope').toString('base64') } });
    expect(api.status).toBe(403);
    const none = await fetch(`${url}/tasks/`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Basic/);
    const basic = await fetch(`${url}/tasks/`, { headers: { authorization: 'Basic ' + Buffer.from(`admin:${TOKEN}`).toString('base64') } });
    expect(basic.status).toBe(200);
  });

  it('lists the tasks of an order as they run, without reloading the page', async () => {
    await page.goto(`${url}/tasks/`);
    await page.locator('#live.on').waitFor();
    await page.locator('#tasks-table').waitFor();
    const order = await placeOrder('ada@example.com');
    // The chain of the order shows up row by row as the worker runs it.
    for (const name of ['billing.charge', 'emails.receipt', 'stock.reserve', 'orders.fulfil']) {
      await page.locator('#tasks-table tbody tr', { hasText: name }).filter({ hasText: 'SUCCESS' }).first().waitFor();
    }
    const charge = page.locator('#tasks-table tbody tr', { hasText: 'billing.charge' }).filter({ hasText: order.id });
    await expect(charge.locator('td').nth(2).textContent()).resolves.toBe('SUCCESS');
    await screenshot('tasks');

    // Filters: by name, then a search by id.
    await page.getByLabel('Name').selectOption('billing.charge');
    await page.waitForURL(/name=billing.charge/);
    await page.locator('#tasks-table tbody tr').first().waitFor();
    const names = await page.locator('#tasks-table tbody tr td:nth-child(2)').allTextContents();
    expect(new Set(names)).toEqual(new Set(['billing.charge']));
  });

  it('shows a task\'s signal timeline across the API and worker processes', async () => {
    const order = await placeOrder('grace@example.com');
    await openTask('billing.charge', order.id, 'SUCCESS');
    await page.locator('#timeline-table tbody tr', { hasText: 'task_postrun' }).waitFor();
    const signals = await page.locator('#timeline-table tbody tr td:nth-child(4)').allTextContents();
    expect(signals).toEqual(expect.arrayContaining(['before_task_publish', 'after_task_publish', 'task_received', 'task_prerun', 'task_success', 'task_postrun']));
    expect(signals.indexOf('task_prerun')).toBeLessThan(signals.indexOf('task_success'));
    // The body's in-process custom signal, in its place.
    expect(signals.indexOf('task_prerun')).toBeLessThan(signals.indexOf('payment_captured'));
    expect(signals.indexOf('payment_captured')).toBeLessThan(signals.indexOf('task_success'));
    const processes = new Set(await page.locator('#timeline-table tbody tr td:nth-child(3)').allTextContents());
    expect(processes.size).toBe(2);
    await expect(page.locator('#task-state').textContent()).resolves.toBe('SUCCESS');
    await screenshot('task');
  });

  it('revokes a waiting task with its button', async () => {
    const waiting = await executor.applyAsync('emails.receipt', [{ orderId: 'later' }], { delayMs: 120_000 });
    await page.goto(`${url}/tasks/#/task/${waiting.id}`);
    const revoke = page.getByRole('button', { name: 'Revoke' });
    await revoke.waitFor();
    await revoke.click();
    await page.locator('#task-state', { hasText: 'REVOKED' }).waitFor();
    await page.locator('#timeline-table tbody tr', { hasText: 'task_revoked' }).waitFor();
    await expect(page.locator('#toast').textContent()).resolves.toMatch(/revoked/);
  });

  it('renders hostile arguments and errors as text: no markup, no script, no dialog', async () => {
    const hostile = await executor.delay('emails.receipt', { orderId: SCRIPT_ARG, note: IMG_ARG });
    await page.goto(`${url}/tasks/#/tasks?name=emails.receipt`);
    const listed = row(hostile.id);
    await listed.filter({ hasText: 'FAILURE' }).waitFor();
    await expect(listed.locator('td').nth(3).textContent()).resolves.toBe(JSON.stringify([{ orderId: SCRIPT_ARG, note: IMG_ARG }]));
    expect(await listed.locator('td').nth(4).textContent()).toContain(`Order ${SCRIPT_ARG} does not exist.`);
    expect(await page.locator('main img, main script').count()).toBe(0);

    await listed.locator('a').first().click();
    await page.locator('#task-error').waitFor();
    await expect(page.locator('#task-args').textContent()).resolves.toBe(JSON.stringify([{ orderId: SCRIPT_ARG, note: IMG_ARG }]));
    expect(await page.locator('#task-error').textContent()).toContain(SCRIPT_ARG);
    expect(await page.locator('main img, main script').count()).toBe(0);
    expect(problems.dialogs).toEqual([]);
  });

  it('shows the workers, the charts and the schedules', async () => {
    await page.goto(`${url}/tasks/#/workers`);
    const worker = page.locator('#workers-table tbody tr', { hasText: 'online' }).first();
    await worker.waitFor();
    const cells = await worker.locator('td').allTextContents();
    expect(cells[4]).toBe('5');
    expect(cells[8]).toMatch(/MB$/);
    await screenshot('workers');

    await page.getByRole('link', { name: 'Charts' }).click();
    await page.locator('svg.chart circle').first().waitFor();
    expect(await page.locator('.legend li', { hasText: 'billing.charge' }).count()).toBe(1);
    await screenshot('charts');

    await page.getByRole('link', { name: 'Schedules' }).click();
    const report = page.locator('#schedules-table tbody tr', { hasText: 'reports.sales' });
    await report.waitFor();
    await report.getByRole('button', { name: 'Run now' }).click();
    await page.waitForURL(/#\/task\//);
    await page.locator('#task-state', { hasText: 'SUCCESS' }).waitFor();
    await page.goto(`${url}/tasks/#/schedules`);
    await report.waitFor();
    await screenshot('schedules');
  });

  it('terminates a running task with its button: the body stops, the order is never paid', async () => {
    // tok_hold: the charge waits on the gateway for a confirmation that never comes.
    const order = await placeOrder('hal@example.com', 'tok_hold');
    // STARTED once its task_prerun arrived: the body runs, and waits.
    await openTask('billing.charge', order.id, 'STARTED');
    await page.locator('#task-state', { hasText: 'STARTED' }).waitFor();
    await page.getByRole('button', { name: 'Terminate' }).click();

    await page.locator('#task-state', { hasText: 'REVOKED' }).waitFor();
    await expect(page.locator('#toast').textContent()).resolves.toMatch(/terminated \(it was STARTED\)/);
    await page.locator('#timeline-table tbody tr', { hasText: 'task_postrun' }).waitFor();
    const revoked = page.locator('#timeline-table tbody tr', { hasText: 'task_revoked' });
    await expect(revoked.locator('td').nth(4).textContent()).resolves.toBe('task-revoked');
    await expect(revoked.locator('td').nth(5).textContent()).resolves.toMatch(/^terminated/);
    await expect(page.locator('#timeline-table tbody tr', { hasText: 'task_postrun' }).locator('td').nth(5).textContent()).resolves.toBe('state REVOKED');
    expect(await page.locator('#task-error').textContent()).toMatch(/^"revoked \(terminated\)/);
    // The body never got past the gateway: no success, no payment_captured, the order not paid.
    const signals = await timelineSignals();
    expect(signals).toEqual(expect.arrayContaining(['task_prerun', 'task_revoked', 'task_postrun']));
    expect(signals).not.toContain('task_success');
    expect(signals).not.toContain('payment_captured');
    expect(signals.indexOf('task_prerun')).toBeLessThan(signals.indexOf('task_revoked'));
    const stored = await app.getOrder(order.id);
    expect(stored.status).toBe('placed');
    expect(stored.chargeId).toBeUndefined();
    expect(await page.getByRole('button', { name: 'Terminate' }).count()).toBe(0);
  });

  it('shows a custom cluster signal sent from a task body in that task\'s timeline', async () => {
    const order = await placeOrder('barbara@example.com');
    await openTask('orders.fulfil', order.id, 'SUCCESS');
    const sent = page.locator('#timeline-table tbody tr', { hasText: 'order_fulfilled' });
    await sent.waitFor();
    await page.locator('#timeline-table tbody tr', { hasText: 'task_postrun' }).waitFor();
    // Sent by the body, between the task's start and its success, from the worker that ran it.
    const signals = await timelineSignals();
    expect(signals.indexOf('task_prerun')).toBeLessThan(signals.indexOf('order_fulfilled'));
    expect(signals.indexOf('order_fulfilled')).toBeLessThan(signals.indexOf('task_success'));
    const cells = await sent.locator('td').allTextContents();
    const started = await page.locator('#timeline-table tbody tr', { hasText: 'task_prerun' }).locator('td').nth(2).textContent();
    expect(cells.slice(2)).toEqual([started, 'order_fulfilled', '', JSON.stringify({ orderId: order.id })]);
  });
});
