import { BullmqExecutor } from '@tasks/bullmq';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Order } from '../src/order.model';
import { deleteKeys } from '../src/redis-admin';
import { launchChromium, openPage, type PageProblems } from './support/browser';
import { builtScript, ensureBuilt } from './support/build';
import { Child } from './support/child';
import { REDIS_URL, uniquePrefix } from './support/redis';

// The dashboard of the built sample in a real browser: an API process serving it and a
// worker process running the tasks, as a user runs them.

const TOKEN = 'browser-test-token';
const SCRIPT_ARG = '<script>alert(1)</script>';
const IMG_ARG = '"><img src=x onerror=alert(1)>';
/** With `DASHBOARD_SCREENSHOTS=1`, each page is saved under docs/img/. */
const SCREENSHOTS = process.env.DASHBOARD_SCREENSHOTS === '1' ? join(__dirname, '../../../docs/img') : undefined;

beforeAll(() => ensureBuilt(), 120_000);

describe('the tasks dashboard of the sample, in chromium', () => {
  const prefix = uniquePrefix();
  const children: Child[] = [];
  let url: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: PageProblems;
  let offsite: string[];
  let executor: BullmqExecutor;

  const placeOrder = async (email: string, card = 'tok_ok'): Promise<Order> => {
    const response = await fetch(`${url}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, total: 12.5, card }) });
    expect(response.status).toBe(201);
    return (await response.json()) as Order;
  };
  const screenshot = async (name: string) => {
    if (!SCREENSHOTS) return;
    mkdirSync(SCREENSHOTS, { recursive: true });
    // The last action's message would hide part of the page.
    await page.evaluate('document.getElementById("toast").textContent = ""');
    await page.screenshot({ path: join(SCREENSHOTS, `dashboard-${name}.png`), fullPage: true });
  };
  const row = (taskId: string) => page.locator(`#tasks-table tr[data-task-id="${taskId}"]`);

  beforeAll(async () => {
    const env = { REDIS_URL, SAMPLE_PREFIX: prefix, PORT: '0', DASHBOARD_TOKEN: TOKEN };
    const worker = new Child(builtScript('worker.main.js'), env);
    const api = new Child(builtScript('api.main.js'), env);
    children.push(worker, api);
    [, url] = (await api.waitForLine(/Orders API listening on (http:\/\/[\d.]+:\d+)/)) as unknown as [string, string];
    await worker.waitForLine(/Worker ready/);
    executor = await BullmqExecutor.connect({ connection: REDIS_URL, prefix });
    browser = await launchChromium();
    context = await browser.newContext({ extraHTTPHeaders: { authorization: `Bearer ${TOKEN}` }, viewport: { width: 1280, height: 800 } });
    ({ page, problems, offsite } = await openPage(context, url));
  });
  afterAll(async () => {
    await browser?.close();
    await executor?.close();
    await Promise.all(children.map((child) => child.stop()));
    await deleteKeys(REDIS_URL, prefix);
  });
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
    await page.goto(`${url}/tasks/#/tasks?name=billing.charge`);
    const charge = page.locator('#tasks-table tbody tr', { hasText: order.id }).filter({ hasText: 'SUCCESS' });
    await charge.waitFor();
    await charge.locator('a').first().click();
    await page.locator('#timeline-table tbody tr', { hasText: 'task_postrun' }).waitFor();
    const signals = await page.locator('#timeline-table tbody tr td:nth-child(4)').allTextContents();
    expect(signals).toEqual(expect.arrayContaining(['before_task_publish', 'after_task_publish', 'task_received', 'task_prerun', 'task_success', 'task_postrun']));
    expect(signals.indexOf('task_prerun')).toBeLessThan(signals.indexOf('task_success'));
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

  it('moves between pages with the keyboard alone', async () => {
    // A fresh load: focus starts at the top of the document.
    await page.goto('about:blank');
    await page.goto(`${url}/tasks/#/tasks`);
    await page.locator('#tasks-table').waitFor();
    await page.keyboard.press('Tab');
    await expect(page.evaluate<string | undefined>('document.activeElement?.textContent')).resolves.toBe('Skip to content');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await expect(page.evaluate<string | undefined>('document.activeElement?.textContent')).resolves.toBe('Workers');
    await page.keyboard.press('Enter');
    await page.locator('#workers-table').waitFor();
    await expect(page.locator('nav a[aria-current="page"]').textContent()).resolves.toBe('Workers');
  });
});
