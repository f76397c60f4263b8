// The dashboard side of `process-c50-dashboard`, in a process of its own as an API process
// would serve it: `node dist/dashboard-child.js <prefix> <updates>`. It starts a Nest app with
// `TasksDashboardModule`, reads its own event stream as a browser would, prints `ready` once
// the stream answers and `caught-up` once it read <updates> task updates, and on SIGTERM
// prints `{"streamed": <task updates read>}` and exits.
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TasksDashboardModule } from '@tasks/dashboard';
import { TasksModule } from '@tasks/nestjs';
import type { Server } from 'node:http';
import { REDIS_URL } from './redis';

async function main(): Promise<void> {
  const [prefix, updatesText] = process.argv.slice(2);
  const updates = Number(updatesText);
  if (!prefix || !Number.isInteger(updates)) throw new Error('usage: dashboard-child.js <prefix> <updates>');

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
  const reading = (async () => {
    const decoder = new TextDecoder();
    let carry = '';
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      const lines = (carry + decoder.decode(chunk, { stream: true })).split('\n');
      carry = lines.pop() ?? '';
      for (const line of lines) {
        if (line === 'event: task' && ++streamed === updates) process.stdout.write('caught-up\n');
      }
    }
  })().catch(() => undefined);
  process.once('SIGTERM', () => {
    void (async () => {
      abort.abort();
      await reading;
      await app.close();
      process.stdout.write(`${JSON.stringify({ streamed })}\n`);
      process.exit(0);
    })();
  });
  process.stdout.write('ready\n');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
