/** Calls between two reads of the clock. */
const BATCH = 500;

/** Keeps results alive so the JIT can not drop the calls being timed. */
const sink: { value: unknown } = { value: undefined };

/** Operations per second of a synchronous `op`, run for about `ms`. */
export function syncRate(op: () => unknown, ms: number): number {
  let count = 0;
  const started = performance.now();
  let now: number;
  do {
    for (let i = 0; i < BATCH; i++) sink.value = op();
    count += BATCH;
    now = performance.now();
  } while (now - started < ms);
  return (count / (now - started)) * 1000;
}

/** Operations per second of an awaited `op`, one after another, for about `ms`. */
export async function asyncRate(op: () => Promise<unknown>, ms: number): Promise<number> {
  let count = 0;
  const started = performance.now();
  let now: number;
  do {
    for (let i = 0; i < BATCH; i++) sink.value = await op();
    count += BATCH;
    now = performance.now();
  } while (now - started < ms);
  return (count / (now - started)) * 1000;
}
