import type { TestingModule } from '@nestjs/testing';
import { TaskState } from '@tasks/core';
import { TaskClient, TasksModule } from '@tasks/nestjs';
import { clusterConnection, clusterKeys, deleteClusterKeys } from '../../../bullmq/test/cluster/support/cluster';
import { uniquePrefix } from '../../../bullmq/test/support/redis';
import { EmailModule } from '../fixtures/email.module';
import { Mailer } from '../fixtures/mailer.service';
import { startApp } from '../support/start-app';

describe('TasksModule on a Redis Cluster', () => {
  const apps: TestingModule[] = [];
  let prefix: string;

  beforeEach(() => {
    prefix = uniquePrefix('cluster-nest');
  });
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
    await deleteClusterKeys(prefix);
  });

  it('publishes from one app, runs in another, and returns the result; every key in the prefix hash tag', async () => {
    const worker = await startApp({ imports: [TasksModule.forRoot({ connection: clusterConnection(), prefix, worker: { name: `worker-${prefix}` } }), EmailModule] });
    apps.push(worker);
    const publisher = await startApp({ imports: [TasksModule.forRoot({ connection: clusterConnection(), prefix, worker: false })] });
    apps.push(publisher);

    const result = await publisher.get(TaskClient).delay<string>('emails.send', 'ada@example.com', 'Welcome');
    await expect(result.get({ timeoutMs: 10_000 })).resolves.toBe('queued for ada@example.com');
    expect(await publisher.get(TaskClient).result(result.id).state()).toBe(TaskState.SUCCESS);
    expect(worker.get(Mailer).outbox).toEqual([{ to: 'ada@example.com', subject: 'Welcome' }]);
    const keys = [...(await clusterKeys(prefix)).values()].flat();
    expect(keys.some((key) => key.startsWith(`{${prefix}}:emails:`))).toBe(true);
  });
});
