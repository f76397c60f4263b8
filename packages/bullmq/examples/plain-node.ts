import { TaskRegistry, taskSuccess } from '@tasks/core';
import { BullmqExecutor, TaskWorker } from '@tasks/bullmq';

export async function main(prefix = 'tasks', connection = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'): Promise<number> {
  const registry = new TaskRegistry();
  registry.register((a: number, b: number) => a + b, { name: 'math.add', maxRetries: 2 });
  taskSuccess.connect((event) => console.log(`${event.sender} -> ${String(event.result)}`), { sender: 'math.add' });

  const worker = new TaskWorker({ connection, registry, prefix, concurrency: 5 });
  await worker.start();
  const tasks = await BullmqExecutor.connect({ connection, registry, prefix });

  const result = await tasks.delay('math.add', 2, 3);
  const sum = (await result.get({ timeoutMs: 5000 })) as number;

  await worker.close();
  await tasks.close();
  return sum;
}

if (require.main === module) void main().then((sum) => console.log(`2 + 3 = ${sum}`));
