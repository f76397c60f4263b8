// One worker process of `pnpm bench --scale`, forked by scenarios/scale.ts with its
// settings as JSON in BENCH_SCALE_WORKER. It builds its TaskWorker, says `ready`, starts
// on `go`, and on `stop` reports the CPU time it used since `go` and closes.
import { TaskWorker, type BullmqConnectionOptions } from '@tasks/bullmq';
import { noopRegistry } from './fixtures';
import { SCALE_WORKER_ENV, type ScaleCommand, type ScaleReport, type ScaleWorkerSettings } from './scale-protocol';

function report(message: ScaleReport): Promise<void> {
  return new Promise((resolve) => process.send!(message, undefined, {}, () => resolve()));
}

async function main(): Promise<void> {
  const settings = JSON.parse(process.env[SCALE_WORKER_ENV] ?? '') as ScaleWorkerSettings;
  const connection: BullmqConnectionOptions = settings.clusterNodes
    ? { connection: { cluster: settings.clusterNodes }, cluster: { shardByQueue: true }, prefix: settings.prefix }
    : { connection: settings.redisUrl, prefix: settings.prefix };
  const worker = new TaskWorker({ ...connection, registry: noopRegistry(), queues: settings.queues, concurrency: settings.concurrency, name: `scale-${process.pid}` });
  let cpuAtGo: NodeJS.CpuUsage | undefined;
  process.on('message', (command: ScaleCommand) => {
    if (command.cmd === 'go') {
      cpuAtGo = process.cpuUsage();
      worker.start().catch((error: unknown) => {
        console.error(error);
        process.exit(1);
      });
      return;
    }
    const cpu = process.cpuUsage(cpuAtGo);
    void report({ kind: 'cpu', userMs: cpu.user / 1000, systemMs: cpu.system / 1000 })
      .then(() => worker.close())
      .then(() => process.exit(0));
  });
  process.on('disconnect', () => process.exit(1));
  await report({ kind: 'ready' });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
