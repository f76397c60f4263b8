import type { INestApplication } from '@nestjs/common';
import type { TaskDetail, TaskList, TaskSummary, WorkerRow } from '@tasks/dashboard';
import { TaskClient } from '@tasks/nestjs';
import { TokenGuard } from './fixtures/dash.tasks';
import { EventStreamReader } from './support/event-stream';
import { deleteKeys, startDashboard, uniquePrefix, type Platform } from './support/start-dashboard';

const AUTH = { authorization: `Bearer ${TokenGuard.token}` };

describe.each<Platform>(['express', 'fastify'])('the dashboard on %s', (platform) => {
  const prefix = uniquePrefix();
  let app: INestApplication;
  let url: string;
  let stream: EventStreamReader;
  let csrf: string;

  const api = async <Body>(path: string): Promise<Body> => {
    const response = await fetch(`${url}/tasks/api/${path}`, { headers: AUTH });
    expect(response.status).toBe(200);
    return (await response.json()) as Body;
  };
  const post = (path: string, headers: Record<string, string> = {}) => fetch(`${url}/tasks/api/${path}`, { method: 'POST', headers: { ...AUTH, 'x-tasks-csrf': csrf, ...headers } });
  const settled = (id: string, state: string) =>
    stream.waitFor((e) => e.event === 'task' && (e.data as TaskSummary).id === id && (e.data as TaskSummary).state === state);

  beforeAll(async () => {
    ({ app, url } = await startDashboard(platform, prefix, { path: '/tasks', guard: TokenGuard }));
    const page = await (await fetch(`${url}/tasks/`, { headers: AUTH })).text();
    csrf = /name="tasks-csrf" content="([^"]+)"/.exec(page)![1]!;
    stream = await EventStreamReader.open(`${url}/tasks/api/stream`, AUTH);
  });
  afterAll(async () => {
    await stream?.close();
    await app?.close();
    await deleteKeys(prefix);
  });

  it('refuses every route with 403 when the guard says no', async () => {
    for (const path of ['/tasks/', '/tasks/app.js', '/tasks/api/tasks', '/tasks/api/stream', '/tasks/api/workers']) {
      const response = await fetch(`${url}${path}`, { headers: { authorization: 'Bearer wrong' } });
      expect([path, response.status]).toEqual([path, 403]);
      await response.body?.cancel();
    }
    const revoke = await fetch(`${url}/tasks/api/tasks/x/revoke`, { method: 'POST', headers: { 'x-tasks-csrf': csrf } });
    expect(revoke.status).toBe(403);
  });

  it('serves the page with a Content-Security-Policy and no inline script or style', async () => {
    const response = await fetch(`${url}/tasks/`, { headers: AUTH });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await response.text();
    expect(html).toMatch(/<script src="\/tasks\/app.js" defer><\/script>/);
    expect(html).not.toMatch(/<script>|<style|\sstyle=|\son[a-z]+=/i);
    const script = await fetch(`${url}/tasks/app.js`, { headers: AUTH });
    expect(script.headers.get('content-type')).toMatch(/text\/javascript/);
    const redirect = await fetch(`${url}/tasks`, { headers: AUTH, redirect: 'manual' });
    expect([redirect.status, redirect.headers.get('location')]).toEqual([302, '/tasks/']);
  });

  it('lists a task as its events arrive and shows its signal timeline across the processes', async () => {
    const result = await app.get(TaskClient).delay('dash.add', 2, 3);
    await settled(result.id, 'SUCCESS');
    const list = await api<TaskList>(`tasks?name=dash.add&search=${result.id.slice(0, 8)}`);
    expect(list.tasks.map((t) => t.id)).toEqual([result.id]);
    expect(list.tasks[0]).toMatchObject({ name: 'dash.add', state: 'SUCCESS', queue: 'default', args: { text: '[2,3]', truncated: false }, result: { text: '5' }, worker: `dash-worker-${platform}` });
    expect(list.names).toContain('dash.add');
    expect(list.queues).toContain('default');
    expect((await api<TaskList>('tasks?state=FAILURE&name=dash.add')).tasks).toEqual([]);

    const detail = await api<TaskDetail>(`tasks/${result.id}`);
    const signals = detail.timeline.map((e) => e.signal);
    expect(signals).toEqual(expect.arrayContaining(['before_task_publish', 'after_task_publish', 'task_received', 'task_prerun', 'task_success', 'task_postrun']));
    expect(signals.indexOf('task_prerun')).toBeLessThan(signals.indexOf('task_success'));
    expect(detail.timeline.find((e) => e.signal === 'task_success')).toMatchObject({ type: 'task-succeeded', process: `dash-worker-${platform}`, pid: process.pid });
    expect(detail.timeline.find((e) => e.signal === 'task_success')!.detail).toMatch(/^result 5 in \d+ ms$/);
    expect(typeof detail.runtimeMs).toBe('number');
  });

  it('streams task states, and timeline entries only to a stream that asks for them', async () => {
    const every = await EventStreamReader.open(`${url}/tasks/api/stream?timeline=*`, AUTH);
    const other = await EventStreamReader.open(`${url}/tasks/api/stream?timeline=not-a-task`, AUTH);
    try {
      const result = await app.get(TaskClient).delay('dash.add', 3, 3);
      await every.waitFor((e) => e.event === 'timeline' && (e.data as { taskId: string; entry: { signal: string } }).taskId === result.id && (e.data as { entry: { signal: string } }).entry.signal === 'task_postrun');
      await settled(result.id, 'SUCCESS');
      await other.waitFor((e) => e.event === 'task' && (e.data as TaskSummary).id === result.id && (e.data as TaskSummary).state === 'SUCCESS');
      const signals = every.received.filter((e) => e.event === 'timeline' && (e.data as { taskId: string }).taskId === result.id).map((e) => (e.data as { entry: { signal: string } }).entry.signal);
      expect(signals).toEqual(expect.arrayContaining(['task_received', 'task_prerun', 'task_success', 'task_postrun']));
      expect(stream.received.some((e) => e.event === 'timeline')).toBe(false);
      expect(other.received.some((e) => e.event === 'timeline')).toBe(false);
    } finally {
      await every.close();
      await other.close();
    }
  });

  it('cuts large values in lists and serves them whole in the task', async () => {
    const big = 'x'.repeat(5000);
    const result = await app.get(TaskClient).delay('dash.echo', big);
    await settled(result.id, 'SUCCESS');
    const [listed] = (await api<TaskList>(`tasks?search=${result.id}`)).tasks;
    expect(listed!.args).toEqual({ text: `["${big}"]`.slice(0, 200), truncated: true });
    expect(listed!.result!.truncated).toBe(true);
    const detail = await api<TaskDetail>(`tasks/${result.id}`);
    expect(detail.args).toEqual({ text: `["${big}"]`, truncated: false });
    expect(detail.result).toEqual({ text: `"${big}"`, truncated: false });
  });

  it('refuses state-changing requests without the token or from another site', async () => {
    const missing = await fetch(`${url}/tasks/api/tasks/x/revoke`, { method: 'POST', headers: AUTH });
    expect(missing.status).toBe(403);
    expect(((await missing.json()) as { message: string }).message).toMatch(/x-tasks-csrf/);
    const crossSite = await post('tasks/x/revoke', { origin: 'https://evil.example' });
    expect(crossSite.status).toBe(403);
    const fetchSite = await post('tasks/x/revoke', { 'sec-fetch-site': 'cross-site' });
    expect(fetchSite.status).toBe(403);
    const get = await fetch(`${url}/tasks/api/tasks/x/revoke`, { headers: AUTH });
    expect(get.status).toBe(404);
    await get.body?.cancel();
  });

  it('revokes a waiting task, and retries a failed one as a new task', async () => {
    const client = app.get(TaskClient);
    const waiting = await client.applyAsync('dash.add', [1, 1], { delayMs: 60_000 });
    const revoke = await post(`tasks/${waiting.id}/revoke`);
    expect(revoke.status).toBe(200);
    expect(await revoke.json()).toMatchObject({ ok: true });
    await settled(waiting.id, 'REVOKED');

    const failed = await client.delay('dash.fail', 'once');
    await settled(failed.id, 'FAILURE');
    expect((await api<TaskDetail>(`tasks/${failed.id}`)).error!.text).toBe('"Error: failed: once"');
    const retry = await post(`tasks/${failed.id}/retry`);
    const outcome = (await retry.json()) as { ok: boolean; taskId: string };
    expect(outcome.ok).toBe(true);
    expect(outcome.taskId).not.toBe(failed.id);
    await settled(outcome.taskId, 'FAILURE');
    expect((await api<TaskDetail>(`tasks/${outcome.taskId}`)).args!.text).toBe('["once"]');
    const notFailed = await post(`tasks/${outcome.taskId}x/retry`);
    expect(notFailed.status).toBe(409);
  });

  it('shows the worker from its heartbeats and stats', async () => {
    const workers = await api<WorkerRow[]>('workers');
    expect(workers).toEqual([
      expect.objectContaining({ name: `dash-worker-${platform}`, online: true, concurrency: 4, pid: process.pid, failed: expect.any(Number) as number, memoryRssBytes: expect.any(Number) as number }),
    ]);
  });
});
