import { BullmqExecutor } from '@tasks/bullmq';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Order } from '../../src/order.model';
import { deleteKeys } from '../../src/redis-admin';
import { launchChromium, openPage, type PageProblems } from './browser';
import { builtScript } from './build';
import { Child } from './child';
import { REDIS_URL, uniquePrefix } from './redis';

/** The token the sample's dashboard guard is started with. */
export const DASHBOARD_TEST_TOKEN = 'browser-test-token';

/**
 * The built sample as a user runs it, an API process serving the dashboard and a worker
 * process running the tasks, on a prefix of its own, with chromium on a page of it.
 */
export interface DashboardApp {
  /** The API's origin (`http://127.0.0.1:<port>`). */
  url: string;
  /** Publishes and revokes tasks on the app's prefix, as a process beside it. */
  executor: BullmqExecutor;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** What the page reported that a safe page never does. */
  problems: PageProblems;
  /** Requests that left the app's origin. */
  offsite: string[];
  placeOrder(email: string, card?: string): Promise<Order>;
  getOrder(id: string): Promise<Order>;
  close(): Promise<void>;
}

/** Starts the sample's API and worker processes and opens a page in chromium, authorised with {@link DASHBOARD_TEST_TOKEN}. */
export async function startDashboardApp(): Promise<DashboardApp> {
  const prefix = uniquePrefix();
  const env = { REDIS_URL, SAMPLE_PREFIX: prefix, PORT: '0', DASHBOARD_TOKEN: DASHBOARD_TEST_TOKEN };
  const children = [new Child(builtScript('worker.main.js'), env), new Child(builtScript('api.main.js'), env)];
  const [worker, api] = children as [Child, Child];
  let executor: BullmqExecutor | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    await executor?.close();
    await Promise.all(children.map((child) => child.stop()));
    await deleteKeys(REDIS_URL, prefix);
  };
  try {
    const [, url] = (await api.waitForLine(/Orders API listening on (http:\/\/[\d.]+:\d+)/)) as unknown as [string, string];
    await worker.waitForLine(/Worker ready/);
    executor = await BullmqExecutor.connect({ connection: REDIS_URL, prefix });
    browser = await launchChromium();
    const context = await browser.newContext({ extraHTTPHeaders: { authorization: `Bearer ${DASHBOARD_TEST_TOKEN}` }, viewport: { width: 1280, height: 800 } });
    const { page, problems, offsite } = await openPage(context, url);
    const placeOrder = async (email: string, card = 'tok_ok'): Promise<Order> => {
      const response = await fetch(`${url}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, total: 12.5, card }) });
      if (response.status !== 201) throw new Error(`POST /orders answered ${response.status}`);
      return (await response.json()) as Order;
    };
    const getOrder = async (id: string): Promise<Order> => (await (await fetch(`${url}/orders/${id}`)).json()) as Order;
    return { url, executor, browser, context, page, problems, offsite, placeOrder, getOrder, close };
  } catch (error) {
    await close();
    throw error;
  }
}
