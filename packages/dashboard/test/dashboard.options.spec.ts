import { Injectable, Module } from '@nestjs/common';
import { DashboardNotProtectedError, DashboardOptionsError, TasksDashboardModule } from '@tasks/dashboard';
import { TaskClient } from '@tasks/nestjs';
import { TokenGuard } from './fixtures/dash.tasks';
import { deleteKeys, startDashboard, uniquePrefix } from './support/start-dashboard';

@Injectable()
class DashboardConfig {
  readonly readOnly = true;
}

@Module({ providers: [DashboardConfig], exports: [DashboardConfig] })
class DashboardConfigModule {}

describe('TasksDashboardModule options', () => {
  const prefix = uniquePrefix();
  afterAll(() => deleteKeys(prefix));

  it('refuses to start without a guard unless public: true, saying how to fix it', async () => {
    const failure = startDashboard('express', prefix, {}, false);
    await expect(failure).rejects.toBeInstanceOf(DashboardNotProtectedError);
    await expect(failure).rejects.toThrow(/has no guard.*Pass `guard`.*or `public: true`/s);
    const asyncFailure = startDashboard('fastify', prefix, TasksDashboardModule.forRootAsync({ useFactory: () => ({ path: '/ops' }) }), false);
    await expect(asyncFailure).rejects.toThrow(/the dashboard at \/ops has no guard/);
  });

  it('refuses a path that is not plain URL characters', async () => {
    await expect(startDashboard('express', prefix, { path: '/tasks"><script>', public: true }, false)).rejects.toBeInstanceOf(DashboardOptionsError);
  });

  it('serves without a guard when public: true', async () => {
    const { app, url } = await startDashboard('express', prefix, { path: '/open', public: true });
    try {
      const response = await fetch(`${url}/open/api/tasks`);
      expect(response.status).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('takes options from a provider with forRootAsync, and read-only refuses every action', async () => {
    const { app, url } = await startDashboard(
      'fastify',
      prefix,
      TasksDashboardModule.forRootAsync({
        imports: [DashboardConfigModule],
        inject: [DashboardConfig],
        useFactory: (config: DashboardConfig) => ({ path: '/admin/tasks', guard: new TokenGuard(), readOnly: config.readOnly }),
      }),
    );
    try {
      const auth = { authorization: `Bearer ${TokenGuard.token}` };
      const page = await (await fetch(`${url}/admin/tasks/`, { headers: auth })).text();
      expect(page).toContain('<meta name="tasks-read-only" content="true">');
      const csrf = /name="tasks-csrf" content="([^"]+)"/.exec(page)![1]!;
      const waiting = await app.get(TaskClient).applyAsync('dash.add', [1, 2], { delayMs: 60_000 });
      const revoke = await fetch(`${url}/admin/tasks/api/tasks/${waiting.id}/revoke`, { method: 'POST', headers: { ...auth, 'x-tasks-csrf': csrf } });
      expect(revoke.status).toBe(403);
      expect(await revoke.json()).toMatchObject({ message: 'The dashboard is read-only.' });
      expect(await app.get(TaskClient).result(waiting.id).state()).toBe('PENDING');
    } finally {
      await app.close();
    }
  });
});
