import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { BullmqExecutor } from '@tasks/bullmq';
import { ClusterProcesses } from '../../bullmq/test/cluster/support/cluster-processes';
import { deleteKeys, REDIS_URL, uniquePrefix } from '../../bullmq/test/support/redis';

// Each case starts the bin several times, each a Node process of its own: slow on a busy machine.
jest.setTimeout(120_000);

/** The built bin, as users run it (`pnpm test` builds first). */
const BIN = resolve(__dirname, '../dist/bin.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `tasks <args>` to its end. */
function tasks(args: readonly string[]): Promise<Run> {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, REDIS_URL, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((done) => child.on('close', (code) => done({ code, stdout, stderr })));
}

describe('the tasks command, against Redis and a worker process', () => {
  const children = new ClusterProcesses();
  let prefix: string;
  let executor: BullmqExecutor | undefined;

  beforeEach(() => (prefix = uniquePrefix('cli')));
  afterEach(async () => {
    await executor?.close();
    executor = undefined;
    await children.killAll();
    await deleteKeys(prefix);
  });

  it('ping, workers and inspect list the worker and what it runs, as tables or JSON', async () => {
    const worker = await children.spawn({ prefix, name: 'w1', concurrency: 2 });
    executor = await BullmqExecutor.connect({ connection: REDIS_URL, prefix });
    const hanging = await executor.delay('control.hang');
    await worker.waitFor('started', (m) => m.taskId === hanging.id);

    const ping = await tasks(['ping', '--prefix', prefix]);
    expect(ping).toMatchObject({ code: 0, stderr: '' });
    const [header, row] = ping.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^WORKER\s+HOST\s+PID\s+LATENCY$/);
    expect(row).toMatch(new RegExp(`^w1\\s+\\S+\\s+${worker.pid}\\s+\\d+ ms$`));
    // Columns line up: each header title starts where its values start.
    expect(row!.indexOf(String(worker.pid))).toBe(header!.indexOf('PID'));

    const json = await tasks(['--json', 'ping', '--prefix', prefix]);
    expect(JSON.parse(json.stdout)).toEqual([expect.objectContaining({ worker: 'w1', pid: worker.pid, value: 'pong' })]);

    const active = await tasks(['inspect', 'active', '--prefix', prefix, '--json']);
    expect(active.code).toBe(0);
    expect(JSON.parse(active.stdout)).toEqual([expect.objectContaining({ worker: 'w1', value: [expect.objectContaining({ id: hanging.id, name: 'control.hang' })] })]);
    const table = await tasks(['inspect', 'active', '--prefix', prefix]);
    expect(table.stdout).toMatch(new RegExp(`w1\\s+${hanging.id}\\s+control.hang\\s+\\[\\]\\s+\\d`));

    const workers = await tasks(['workers', '--prefix', prefix]);
    expect(workers.code).toBe(0);
    expect(workers.stdout).toMatch(/^WORKER\s+HOST\s+PID\s+QUEUES\s+CONCURRENCY\s+ACTIVE\s+PROCESSED\s+HEARTBEAT/);
    expect(workers.stdout).toMatch(new RegExp(`w1\\s+\\S+\\s+${worker.pid}\\s+default\\s+2\\s+1\\s+0\\s+[\\d.]+ (ms|s) ago`));
  });

  it('call --wait prints the result, result reads it back, revoke and purge act on waiting tasks', async () => {
    await children.spawn({ prefix, name: 'w1', concurrency: 2 });
    const called = await tasks(['call', 'cluster.add', '[2, 3]', '--wait', '--prefix', prefix, '--json']);
    expect(called.code).toBe(0);
    const { id, result } = JSON.parse(called.stdout) as { id: string; result: number };
    expect(result).toBe(5);
    const read = await tasks(['result', id, '--prefix', prefix]);
    expect(read).toMatchObject({ code: 0, stdout: 'SUCCESS\n5\n' });

    const delayed = await tasks(['call', 'control.work', '[10]', '--queue', 'later', '--delay', '60000', '--prefix', prefix]);
    expect(delayed.code).toBe(0);
    const revoked = await tasks(['revoke', delayed.stdout.trim(), '--prefix', prefix]);
    expect(revoked).toMatchObject({ code: 0, stdout: `Revoked ${delayed.stdout.trim()} (was PENDING).\n` });

    await tasks(['call', 'control.work', '[10]', '--queue', 'later', '--prefix', prefix]);
    await tasks(['call', 'control.work', '[10]', '--queue', 'later', '--prefix', prefix]);
    const refused = await tasks(['purge', 'later', '--prefix', prefix]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/run it again with --yes/);
    const purged = await tasks(['purge', 'later', '--yes', '--prefix', prefix]);
    expect(purged).toMatchObject({ code: 0, stdout: "Purged 2 task(s) from queue 'later'.\n" });
  });

  it('events --follow prints each event of a task as one line, and stops on SIGINT', async () => {
    await children.spawn({ prefix, name: 'w1', concurrency: 2 });
    const child = spawn(process.execPath, [BIN, 'events', '--follow', '--json', '--prefix', prefix], { env: { ...process.env, REDIS_URL } });
    let stdout = '';
    const lines = new Set<(text: string) => void>();
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      lines.forEach((check) => check(stdout));
    });
    const waitOut = (pattern: RegExp) => new Promise<void>((done) => {
      const check = (text: string) => pattern.test(text) && (lines.delete(check), done());
      lines.add(check);
      check(stdout);
    });
    const listening = new Promise<void>((done) => child.stderr.on('data', (chunk: Buffer) => /Listening for events/.test(chunk.toString()) && done()));
    const exited = new Promise<number | null>((done) => child.on('close', done));
    await listening;

    executor = await BullmqExecutor.connect({ connection: REDIS_URL, prefix });
    const result = await executor.delay('cluster.add', 4, 5);
    await waitOut(new RegExp(`"signal":"task_postrun"[^\\n]*"taskId":"${result.id}"`));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    const mine = stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string | null; signal: string; payload: { taskId?: string } }).filter((e) => e.payload.taskId === result.id);
    expect(mine.map((e) => e.type)).toEqual([null, 'task-sent', 'task-received', 'task-started', 'task-succeeded', null]);

    const text = await tasks(['events', '--task', result.id, '--prefix', prefix]);
    expect(text.code).toBe(0);
    const human = text.stdout.trim().split('\n');
    expect(human).toHaveLength(6);
    expect(human[4]).toMatch(new RegExp(`^\\d\\d:\\d\\d:\\d\\d\\.\\d{3}  task-succeeded\\s+cluster.add  ${result.id}  w1 \\(\\d+\\)  result 9, \\d+ ms$`));
  });

  it('schedules list shows the periodic tasks with their next tick', async () => {
    executor = await BullmqExecutor.connect({ connection: REDIS_URL, prefix });
    await executor.schedules.upsert('digest-42', { task: 'cluster.add', every: '1h', args: [1, 2] });
    const json = await tasks(['schedules', 'list', '--prefix', prefix, '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual([expect.objectContaining({ id: 'digest-42', task: 'cluster.add', every: 3_600_000, args: [1, 2], source: 'runtime' })]);
    const table = await tasks(['schedules', 'list', '--prefix', prefix]);
    expect(table.stdout).toMatch(/^ID\s+TASK\s+SCHEDULE\s+ARGS\s+QUEUE\s+SOURCE\s+NEXT\s+LAST\n/);
    expect(table.stdout).toMatch(/digest-42\s+cluster.add\s+every 1.0 h\s+\[1,2\]\s+default\s+runtime\s+\d{4}-\d\d-\d\dT[\d:.]+Z \(in [^)]+\)\s+-/);
  });

  it('exits 3 when no worker answers, 2 on a usage error naming the problem, 1 when Redis is unreachable', async () => {
    const nobody = await tasks(['ping', '--prefix', prefix, '--timeout', '200']);
    expect(nobody).toMatchObject({ code: 3, stdout: '', stderr: 'No worker answered within 200 ms.\n' });
    const unknown = await tasks(['pong']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command 'pong'/);
    const badArgs = await tasks(['call', 'x', '{"a":', '--prefix', prefix]);
    expect(badArgs.code).toBe(2);
    expect(badArgs.stderr).toMatch(/json-args is not JSON .*give a JSON array/);
    const notArray = await tasks(['call', 'x', '{"a":1}', '--prefix', prefix]);
    expect(notArray.stderr).toMatch(/json-args must be a JSON array/);
    const target = await tasks(['inspect', 'everything', '--prefix', prefix]);
    expect(target).toMatchObject({ code: 2 });
    expect(target.stderr).toMatch(/unknown target 'everything'; use one of active, reserved/);
    const down = await tasks(['ping', '--url', 'redis://127.0.0.1:1', '--timeout', '300']);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/RedisConnectionError/);
  });
});
