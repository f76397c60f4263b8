// Entry of one side of the memory scenario, in a fresh process started with
// --expose-gc: `node --expose-gc dist/memory-child.js <raw|ours> <prefix> <count>`.
// Prints one JSON line of heap and RSS bytes before and after.
import { Countdown, QUEUE, startRawWorker, startTaskWorker } from './fixtures';
import { waitForCompleted } from './redis';

/** What the child prints. */
export interface MemoryReport {
  heapBefore: number;
  heapAfter: number;
  rssBefore: number;
  rssAfter: number;
}

const CONCURRENCY = 50;

/** Collects garbage until the heap stops shrinking (finalizers and weak refs can free more on a second pass). */
async function settle(gc: () => void): Promise<NodeJS.MemoryUsage> {
  let previous = Infinity;
  for (let pass = 0; pass < 5; pass++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
    const { heapUsed } = process.memoryUsage();
    if (heapUsed >= previous) break;
    previous = heapUsed;
  }
  return process.memoryUsage();
}

async function main(): Promise<void> {
  const [side, prefix, countText] = process.argv.slice(2);
  const count = Number(countText);
  const gc = globalThis.gc;
  if (!gc) throw new Error('memory-child needs node --expose-gc');
  if ((side !== 'raw' && side !== 'ours') || !prefix || !Number.isInteger(count) || count <= 0) {
    throw new Error('usage: memory-child.js <raw|ours> <prefix> <count>');
  }
  const countdown = new Countdown(count);
  const before = await settle(gc);
  const worker = await (side === 'raw' ? startRawWorker : startTaskWorker)(prefix, CONCURRENCY, countdown);
  await countdown.done;
  await waitForCompleted(prefix, QUEUE, count);
  // Measured with the worker still open: what it holds after `count` tasks.
  const after = await settle(gc);
  await worker.close();
  const report: MemoryReport = { heapBefore: before.heapUsed, heapAfter: after.heapUsed, rssBefore: before.rss, rssAfter: after.rss };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
