import { TaskContext, TaskRegistry, taskSuccess } from '@tasks/core';
import { BullmqExecutor, TaskWorker } from '@tasks/bullmq';

export async function main(prefix = 'tasks', connection = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'): Promise<string[]> {
  const registry = new TaskRegistry();
  // A periodic task: the schedule's id is the task name.
  registry.register(() => `tick due ${String(TaskContext.current().headers.scheduledFor)}`, {
    name: 'heartbeat.beat',
    schedule: { every: '1s' },
  });
  registry.register((days: number) => `removed files older than ${days} days`, { name: 'files.cleanup' });

  const tasks = await BullmqExecutor.connect({ connection, registry, prefix });
  // At startup, as TasksModule does: creates, updates or deletes what this process declares.
  await tasks.schedules.reconcile({ registry, schedules: { 'files-cleanup': { task: 'files.cleanup', cron: '0 2 * * *', tz: 'Europe/Paris', args: [7] } } });

  const worker = new TaskWorker({ connection, registry, prefix });
  let off = (): boolean => false;
  const beat = new Promise<unknown>((resolve) => (off = taskSuccess.connect(({ result }) => resolve(result), { sender: 'heartbeat.beat' })));
  await worker.start();
  console.log(await beat); // the first tick of an interval is due when the schedule is created
  off();

  const cleanup = await tasks.schedules.runNow('files-cleanup'); // one tick now, as a test would
  console.log(await cleanup.get({ timeoutMs: 5000 }));
  const ids = (await tasks.schedules.list()).map(({ id, source, next }) => `${id} (${source}) next ${next?.toISOString() ?? '-'}`);

  await worker.close();
  await tasks.close();
  return ids;
}
