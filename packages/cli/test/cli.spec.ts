import { BullmqExecutor } from '@tasks/bullmq';
import { ClusterProcesses } from '../../bullmq/test/cluster/support/cluster-processes';
import { deleteKeys, REDIS_URL, uniquePrefix } from '../../bullmq/test/support/redis';
import { heartbeatWithActive } from './support/heartbeat';
import { followEvents, tasks } from './support/tasks-bin';

// Each case starts the bin several times, each a Node process of its own: slow on a busy machine.
/** These tests start child processes; two minutes each is ample on a busy machine. */
const TEST_TIMEOUT_MS = 2 * 60 * 1000;
jest.setTimeout(TEST_TIMEOUT_MS);

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

    await heartbeatWithActive({ connection: REDIS_URL, prefix }, 'w1', 1);
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
    const following = followEvents(['--json', '--prefix', prefix]);
    await following.listening;

    executor = await BullmqExecutor.connect({ connection: REDIS_URL, prefix });
    const result = await executor.delay('cluster.add', 4, 5);
    // The publisher (this process) and the worker write their events each in order, but
    // the stream may hold the publisher's after the worker's: wait for the last of each.
    await following.waitOut(new RegExp(`"signal":"task_postrun"[^\\n]*"taskId":"${result.id}"`));
    await following.waitOut(new RegExp(`"signal":"after_task_publish"[^\\n]*"taskId":"${result.id}"`));
    const { code, stdout } = await following.interrupt();
    expect(code).toBe(0);
    type Line = { type: string | null; signal: string; origin: { name: string }; payload: { taskId?: string } };
    const mine = stdout.trim().split('\n').map((l) => JSON.parse(l) as Line).filter((e) => e.payload.taskId === result.id);
    const byWorker = mine.filter((e) => e.origin.name === 'w1');
    const byPublisher = mine.filter((e) => e.origin.name !== 'w1');
    expect(byPublisher.map((e) => e.type)).toEqual([null, 'task-sent']);
    expect(byWorker.map((e) => e.type)).toEqual(['task-received', 'task-started', 'task-succeeded', null]);

    const text = await tasks(['events', '--task', result.id, '--prefix', prefix]);
    expect(text.code).toBe(0);
    const human = text.stdout.trim().split('\n');
    expect(human).toHaveLength(6);
    expect(human.find((line) => line.includes('task-succeeded'))).toMatch(new RegExp(`^\\d\\d:\\d\\d:\\d\\d\\.\\d{3}  task-succeeded\\s+cluster.add  ${result.id}  w1 \\(\\d+\\)  result 9, \\d+ ms$`));
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
    expect(down.stderr).toMatch(/point the command at yours with --url/);
  });

  it('refuses, with exit 2 and the fix, bad --cluster nodes, --cluster with --url, and --shard-by-queue where it can not apply', async () => {
    const form = 'give the startup nodes as host:port,host:port (e.g. 10.0.0.1:7000,10.0.0.2:7000), or redis://[user]:password@host:port for nodes that need a password.';
    for (const [nodes, bad] of [
      ['127.0.0.1:7000,localhost', "'localhost' is not a node as host:port"],
      ['10.0.0.1:7000,', "'' is not a node as host:port"],
      ['10.0.0.1:99999', "'10.0.0.1:99999' is not a node as host:port"],
      ['redis://:hunter2@10.0.0.1', "'redis://:***@10.0.0.1' is not a node as host:port"],
      ['redis://10.0.0.1:7000/2', "'redis://10.0.0.1:7000/2' is not a node as host:port (a cluster has no database number)"],
      ['http://10.0.0.1:7000', "'http://10.0.0.1:7000' is not a node as host:port or a redis:// URL"],
    ]) {
      const run = await tasks(['--cluster', nodes!, 'ping']);
      expect(run).toMatchObject({ code: 2, stdout: '' });
      expect(run.stderr).toContain(`error: --cluster: ${bad}; ${form}\n`);
    }
    const tls = await tasks(['--cluster', 'rediss://:hunter2@10.0.0.1:7000', 'ping']);
    expect(tls).toMatchObject({ code: 2, stdout: '' });
    expect(tls.stderr).toContain("--cluster: 'rediss://:***@10.0.0.1:7000' asks for TLS, which --cluster does not offer; reach a TLS cluster from code");
    const twoPasswords = await tasks(['--cluster', 'redis://:a@10.0.0.1:7000,redis://:b@10.0.0.2:7000', 'ping']);
    expect(twoPasswords).toMatchObject({ code: 2, stdout: '' });
    expect(twoPasswords.stderr).toMatch(/--cluster: the nodes give different users or passwords, while a cluster's nodes share one; give it on one node/);
    // Given on the command line, --url and --cluster contradict each other; $REDIS_URL (set for every run here) is only a default.
    const both = await tasks(['--url', REDIS_URL, '--cluster', '127.0.0.1:7000', 'ping']);
    expect(both).toMatchObject({ code: 2, stdout: '' });
    expect(both.stderr).toMatch(/--url and --cluster both name the Redis to use; give one of them/);
    const afterCommand = await tasks(['workers', '--cluster', '127.0.0.1:7000', '--url', REDIS_URL]);
    expect(afterCommand.code).toBe(2);
    expect(afterCommand.stderr).toMatch(/--url and --cluster both name/);

    const shardAlone = await tasks(['--shard-by-queue', 'ping', '--prefix', prefix]);
    expect(shardAlone).toMatchObject({ code: 2, stdout: '' });
    expect(shardAlone.stderr).toMatch(/--shard-by-queue applies to a Redis Cluster only; give the cluster with --cluster <host:port,...>, or drop --shard-by-queue/);
    const taggedPrefix = await tasks(['--cluster', '127.0.0.1:7000', '--shard-by-queue', '--prefix', '{shop}', 'ping']);
    expect(taggedPrefix).toMatchObject({ code: 2, stdout: '' });
    expect(taggedPrefix.stderr).toMatch(/--prefix '\{shop\}' holds a hash tag, which --shard-by-queue can not take: .*give the prefix without braces, or drop --shard-by-queue/);

    const help = await tasks(['--help']);
    expect(help.stdout).toMatch(/--cluster <host:port,...>\s+a Redis Cluster instead/);
    expect(help.stdout).toMatch(/--shard-by-queue\s+with --cluster: the application shards by\s+queue/);
  });
});
