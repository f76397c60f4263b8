import type { BullmqExecutor } from '@tasks/bullmq';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { PageProblems } from './support/browser';
import { ensureBuilt } from './support/build';
import { startDashboardApp, type DashboardApp } from './support/dashboard-app';

// The dashboard's accessibility in chromium, measured in the page by support/page-audit.js:
// WCAG AA contrast of every visible text on every page, names of every control, and every
// page and action reached and used with the keyboard alone.

interface ContrastReport {
  checked: number;
  failures: Array<Record<string, unknown>>;
}
interface NamedElement {
  tag: string;
  id: string;
  html: string;
  name: string;
}
interface FocusRing {
  name: string;
  style: string;
  widthPx: number;
  ratio: number;
}

/** Key presses allowed to reach one element before giving up. */
const MAX_PRESSES = 200;

beforeAll(() => ensureBuilt(), 120_000);

describe('the dashboard\'s accessibility, in chromium', () => {
  let app: DashboardApp;
  let url: string;
  let page: Page;
  let problems: PageProblems;
  let executor: BullmqExecutor;

  /** Fails with the texts below their contrast, and the controls without a name; returns every control's name. */
  const audit = async (where: string): Promise<NamedElement[]> => {
    const contrast = await page.evaluate<ContrastReport>('window.pageAudit.contrast()');
    expect({ where, failures: contrast.failures }).toEqual({ where, failures: [] });
    expect(contrast.checked).toBeGreaterThan(10);
    const named = await page.evaluate<NamedElement[]>('window.pageAudit.names()');
    expect({ where, unnamed: named.filter((element) => element.name === '') }).toEqual({ where, unnamed: [] });
    return named;
  };
  const focusedName = () => page.evaluate<string>('window.pageAudit.accessibleName()');
  /** Presses `key` until the focused element's accessible name is `name` (at once if it is already). */
  const pressUntil = async (name: string, key: 'Tab' | 'Shift+Tab' = 'Tab') => {
    for (let presses = 0; presses < MAX_PRESSES; presses++) {
      if ((await focusedName()) === name) return;
      await page.keyboard.press(key);
    }
    throw new Error(`"${name}" was not reached with ${key}; the focus is on "${await focusedName()}".`);
  };
  /** The focused element shows a ring of at least 2 px at 3:1 against what surrounds it (WCAG 2.4.7, 1.4.11). */
  const expectFocusRing = async (name: string) => {
    const ring = await page.evaluate<FocusRing>('window.pageAudit.focusRing()');
    expect(ring).toMatchObject({ name, style: expect.not.stringMatching(/^none$/) });
    expect(ring.widthPx).toBeGreaterThanOrEqual(2);
    expect(ring.ratio).toBeGreaterThanOrEqual(3);
  };
  const mainFocused = () => page.locator('#main:focus').waitFor();
  const taskState = (state: string) => page.locator('#task-state', { hasText: state }).waitFor();

  beforeAll(async () => {
    app = await startDashboardApp();
    ({ url, page, problems, executor } = app);
    await page.addInitScript({ path: join(__dirname, 'support/page-audit.js') });
  });
  afterAll(() => app?.close());
  afterEach(() => {
    expect(problems).toEqual({ violations: [], dialogs: [], errors: [] });
    expect(app.offsite).toEqual([]);
  });

  it('shows every text of every page at WCAG AA contrast, and names every control', async () => {
    // Open first: the dashboard has the workers write their events from its first use.
    await page.goto(`${url}/tasks/#/tasks`);
    await page.locator('#live.on').waitFor();
    // Tasks in each state the pages colour: succeeded, retried, failed, revoked.
    const orders = await Promise.all([app.placeOrder('ada@example.com'), app.placeOrder('grace@example.com', 'tok_flaky'), app.placeOrder('alan@example.com', 'tok_declined')]);
    const waiting = await executor.applyAsync('emails.receipt', [{ orderId: 'later' }], { delayMs: 120_000 });
    await executor.revoke(waiting.id);
    for (const [order, state] of [[orders[0], 'SUCCESS'], [orders[2], 'FAILURE']] as const) {
      await page.locator('#tasks-table tbody tr', { hasText: order.id }).filter({ hasText: 'billing.charge' }).filter({ hasText: state }).waitFor();
    }
    await page.locator('#tasks-table tbody tr', { hasText: 'orders.fulfil' }).filter({ hasText: 'SUCCESS' }).first().waitFor();
    await page.locator(`#tasks-table tr[data-task-id="${waiting.id}"]`, { hasText: 'REVOKED' }).waitFor();
    const controls = await audit('tasks');
    expect(controls.filter((c) => c.tag === 'select' || c.tag === 'input').map((c) => c.name)).toEqual(['State', 'Name', 'Queue', 'Task id']);
    expect(controls.find((c) => c.html.includes('role="search"'))?.name).toBe('Filter tasks');
    expect(controls.find((c) => c.id === 'progress')?.name).toBe('Loading');

    // A failed task: its error, its timeline and its Retry button.
    await page.locator('#tasks-table tbody tr', { hasText: orders[2].id }).filter({ hasText: 'billing.charge' }).locator('a').first().click();
    await page.locator('#task-error').waitFor();
    await page.locator('#timeline-table tbody tr', { hasText: 'task_postrun' }).waitFor();
    const detail = await audit('task');
    expect(detail.filter((c) => c.tag === 'button').map((c) => c.name)).toEqual(['Retry']);

    await page.goto(`${url}/tasks/#/workers`);
    await page.locator('#workers-table tbody tr', { hasText: 'online' }).waitFor();
    await audit('workers');

    await page.goto(`${url}/tasks/#/charts`);
    await page.locator('svg.chart circle').first().waitFor();
    // The numbers under the charts, opened.
    await page.locator('summary', { hasText: 'The numbers' }).click();
    const charts = await audit('charts');
    expect(charts.filter((c) => c.html.startsWith('<svg')).map((c) => c.name)).toEqual(['Finished tasks per 10 s', 'Mean runtime']);

    await page.goto(`${url}/tasks/#/schedules`);
    await page.locator('#schedules-table tbody tr', { hasText: 'reports.sales' }).waitFor();
    const schedules = await audit('schedules');
    expect(schedules.filter((c) => c.tag === 'button').map((c) => c.name)).toEqual(['Run now']);
  });

  it('reaches every page from the navigation with Tab and Enter, with a visible focus ring', async () => {
    // A fresh load: the focus starts at the top of the document.
    await page.goto('about:blank');
    await page.goto(`${url}/tasks/#/workers`);
    await page.locator('#workers-table').waitFor();
    await page.keyboard.press('Tab');
    expect(await focusedName()).toBe('Skip to content');
    await expectFocusRing('Skip to content');
    await page.keyboard.press('Enter');
    await mainFocused();
    expect(new URL(page.url()).hash).toBe('#/workers');

    // From the content, back to the navigation and on to each page.
    for (const [name, content] of [['Tasks', '#tasks-table'], ['Charts', '#throughput-title'], ['Schedules', '#schedules-table'], ['Workers', '#workers-table']] as const) {
      await pressUntil(name, 'Shift+Tab');
      await expectFocusRing(name);
      await page.keyboard.press('Enter');
      await page.locator(content).waitFor();
      await mainFocused();
      await expect(page.locator('nav a[aria-current="page"]').textContent()).resolves.toBe(name);
    }
  });

  it('revokes, retries, terminates and runs a schedule now with the keyboard alone', async () => {
    // Revoke a waiting task; the focus stays in the actions, on Retry, which publishes it again.
    const waiting = await executor.applyAsync('emails.receipt', [{ orderId: 'later' }], { delayMs: 120_000 });
    await page.goto(`${url}/tasks/#/task/${waiting.id}`);
    await page.getByRole('button', { name: 'Revoke' }).waitFor();
    await pressUntil('Revoke');
    await expectFocusRing('Revoke');
    await page.keyboard.press('Enter');
    await taskState('REVOKED');
    await page.getByRole('button', { name: 'Retry' }).waitFor();
    expect(await focusedName()).toBe('Retry');
    await page.keyboard.press('Enter');
    await page.waitForURL((address) => address.hash.startsWith('#/task/') && !address.hash.includes(waiting.id));

    // Terminate a running charge, reached from the task list.
    const order = await app.placeOrder('hal@example.com', 'tok_hold');
    await page.goto(`${url}/tasks/#/tasks?name=billing.charge`);
    const charge = page.locator('#tasks-table tbody tr', { hasText: order.id }).filter({ hasText: 'STARTED' });
    await charge.waitFor();
    const chargeId = (await charge.getAttribute('data-task-id'))!;
    await pressUntil(chargeId);
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Terminate' }).waitFor();
    await pressUntil('Terminate');
    await page.keyboard.press('Enter');
    await taskState('REVOKED');
    await expect(page.locator('#toast').textContent()).resolves.toMatch(/terminated/);
    // The message of the action too, light on dark.
    await audit('task, with the outcome of an action');

    // Run a schedule now: the page moves to the task it published.
    await page.goto(`${url}/tasks/#/schedules`);
    await page.locator('#schedules-table tbody tr', { hasText: 'reports.sales' }).getByRole('button', { name: 'Run now' }).waitFor();
    await pressUntil('Run now');
    await page.keyboard.press('Enter');
    await page.waitForURL(/#\/task\//);
    await taskState('SUCCESS');
  });
});
