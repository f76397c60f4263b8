// The dashboard side of `process-c50-dashboard`, in a process of its own as an API process
// would serve it: `node dist/dashboard-child.js <prefix> <tasks>`. It starts a Nest app with
// `TasksDashboardModule`, reads its own event stream as the page does, prints `ready` once
// the stream answers and `caught-up` once it saw every task's final state (`SUCCESS`; the
// stream sends a task's latest state once per flush, not once per event), and on SIGTERM
// prints `{"streamed": <task messages read>, "succeeded": <tasks seen in SUCCESS>}` and exits.
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TasksDashboardModule } from '@tasks/dashboard';
import { TasksModule } from '@tasks/nestjs';
import type { Server } from 'node:http';
import { REDIS_URL } from './redis';

async function main(): Promise<void> {
  const [prefix, tasksText] = process.argv.slice(2);
  const tasks = Number(tasksText);
  if (!prefix || !Number.isInteger(tasks)) throw new Error('usage: dashboard-child.js <prefix> <tasks>');

  @Module({ imports: [TasksModule.forRoot({ connection: REDIS_URL, prefix, worker: false }), TasksDashboardModule.forRoot({ path: '/tasks', public: true })] })
  class BenchDashboardModule {}

  const app = await NestFactory.create(BenchDashboardModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  const address = (app.getHttpServer() as Server).address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const abort = new AbortController();
  // The stream answers once the dashboard reads events and every process was told to publish them.
  const response = await fetch(`http://127.0.0.1:${port}/tasks/api/stream`, { signal: abort.signal });
  if (!response.ok || !response.body) throw new Error(`the event stream answered ${response.status}`);
  let streamed = 0;
  const succeeded = new Set<string>();
  let caughtUp = false;
  const reading = (async () => {
    const decoder = new TextDecoder();
    let carry = '';
    let event = '';
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      const lines = (carry + decoder.decode(chunk, { stream: true })).split('\n');
      carry = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith('event: ')) event = line;
        else if (event === 'event: task' && line.startsWith('data: {"id":"')) {
          streamed++;
          // A task's summary starts with its id; its state is read without parsing the rest.
          if (line.includes('"state":"SUCCESS"')) succeeded.add(line.slice(13, line.indexOf('"', 13)));
        }
      }
      if (!caughtUp && succeeded.size >= tasks) {
        caughtUp = true;
        process.stdout.write('caught-up\n');
      }
    }
  })().catch(() => undefined);
  process.once('SIGTERM', () => {
    void (async () => {
      abort.abort();
      await reading;
      await app.close();
      process.stdout.write(`${JSON.stringify({ streamed, succeeded: succeeded.size })}\n`);
      process.exit(0);
    })();
  });
  process.stdout.write('ready\n');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
