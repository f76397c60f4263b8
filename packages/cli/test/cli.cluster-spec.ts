import { BullmqExecutor, type BullmqConnectionOptions } from '@tasks/bullmq';
import { CLUSTER_NODES, clusterConnection, deleteClusterKeys, expectTaggedKeysThenDelete } from '../../bullmq/test/cluster/support/cluster';
import { ClusterProcesses, type ClusterProcess } from '../../bullmq/test/cluster/support/cluster-processes';
import { uniquePrefix } from '../../bullmq/test/support/redis';
import { heartbeatWithActive } from './support/heartbeat';
import { followEvents, tasks } from './support/tasks-bin';

// Each case starts the bin several times, each a Node process of its own: slow on a busy machine.
jest.setTimeout(120_000);

/** `--cluster` as users write it, from the test cluster's nodes. */
const NODES = CLUSTER_NODES.map(({ host, port }) => `${host}:${port}`).join(',');

// The `tasks` command on a Redis Cluster, against a worker process, in both key layouts.
describe.each([
  { layout: 'one slot (default)', shardByQueue: false, flags: [] as string[] },
  { layout: '--shard-by-queue', shardByQueue: true, flags: ['--shard-by-queue'] },
])('the tasks command on a Redis Cluster, $layout', ({ shardByQueue, flags }) => {
  const children = new ClusterProcesses();
  let prefix: string;
  let options: BullmqConnectionOptions;
  let executor: BullmqExecutor | undefined;

  /** Runs `tasks` on the cluster, with this test's prefix and layout. */
  const onCluster = (...args: string[]) => tasks(['--cluster', NODES, ...flags, '--prefix', prefix, ...args]);
  const spawnWorker = (settings: { events?: boolean } = {}): Promise<ClusterProcess> =>
    children.spawn({ prefix, name: 'w1', concurrency: 2, cluster: { nodes: CLUSTER_NODES, shardByQueue }, ...settings });

  beforeEach(() => {
    prefix = uniquePrefix('cli-cluster');
    options = { connection: clusterConnection(), prefix, cluster: { shardByQueue } };
  });
  afterEach(async () => {
    await executor?.close();
    executor = undefined;
    await children.killAll();
    await expectTaggedKeysThenDelete(prefix);
  });

  it('ping, workers and inspect active see the worker process and the task it runs', async () => {
    const worker = await spawnWorker();
    executor = await BullmqExecutor.connect(options);
    const hanging = await executor.delay('control.hang');
    await worker.waitFor('started', (m) => m.taskId === hanging.id);

    const ping = await onCluster('ping', '--json');
    expect(ping).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(ping.stdout)).toEqual([expect.objectContaining({ worker: 'w1', pid: worker.pid, value: 'pong' })]);
    const table = await onCluster('ping');
    expect(table.stdout).toMatch(new RegExp(`^WORKER\\s+HOST\\s+PID\\s+LATENCY\\nw1\\s+\\S+\\s+${worker.pid}\\s+\\d+ ms\\n$`));

    const active = await onCluster('inspect', 'active', '--json');
    expect(active.code).toBe(0);
    expect(JSON.parse(active.stdout)).toEqual([expect.objectContaining({ worker: 'w1', value: [expect.objectContaining({ id: hanging.id, name: 'control.hang' })] })]);

    await heartbeatWithActive(options, 'w1', 1);
    const workers = await onCluster('workers');
    expect(workers.code).toBe(0);
    expect(workers.stdout).toMatch(new RegExp(`^WORKER\\s+HOST\\s+PID\\s+QUEUES\\s+CONCURRENCY\\s+ACTIVE\\s+PROCESSED\\s+HEARTBEAT\\nw1\\s+\\S+\\s+${worker.pid}\\s+default\\s+2\\s+1\\s+0\\s+[\\d.]+ (ms|s) ago\\n$`));
  });

  it('call --wait prints the result, result reads it back, revoke and purge act on waiting tasks of another queue', async () => {
    await spawnWorker();
    const called = await onCluster('call', 'cluster.add', '[2, 3]', '--wait', '--json');
    expect(called).toMatchObject({ code: 0, stderr: '' });
    const { id, result } = JSON.parse(called.stdout) as { id: string; result: number };
    expect(result).toBe(5);
    await expect(onCluster('result', id)).resolves.toMatchObject({ code: 0, stdout: 'SUCCESS\n5\n' });

    // Queue 'later' has no worker; with --shard-by-queue its keys are in a slot of their own.
    const delayed = await onCluster('call', 'control.work', '[10]', '--queue', 'later', '--delay', '60000');
    expect(delayed.code).toBe(0);
    const delayedId = delayed.stdout.trim();
    await expect(onCluster('revoke', delayedId)).resolves.toMatchObject({ code: 0, stdout: `Revoked ${delayedId} (was PENDING).\n` });
    // Found in 'later' by a new process that only knows the prefix: the revoke kept the task, as failed with reason revoked.
    await expect(onCluster('result', delayedId)).resolves.toMatchObject({ code: 0, stdout: expect.stringMatching(/^REVOKED\n/) });

    for (const n of [1, 2, 3]) expect((await onCluster('call', 'control.work', `[${n}]`, '--queue', 'later')).code).toBe(0);
    await expect(onCluster('call', 'control.work', '[4]', '--queue', 'later', '--delay', '60000')).resolves.toMatchObject({ code: 0 });
    await expect(onCluster('purge', 'later', '--yes')).resolves.toMatchObject({ code: 0, stdout: "Purged 4 task(s) from queue 'later'.\n" });
    const again = await onCluster('purge', 'later', '--yes', '--json');
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({ queue: 'later', removed: 0 });
  });

  it('events --follow prints the events of a task run by the worker, and events --task reads them back', async () => {
    await spawnWorker();
    const following = followEvents(['--cluster', NODES, ...flags, '--prefix', prefix, '--json']);
    await following.listening;
    executor = await BullmqExecutor.connect(options);
    const result = await executor.delay('cluster.add', 4, 5);
    // Each process's events are in order, not the publisher's with the worker's: wait for the last of both.
    await following.waitOut(new RegExp(`"signal":"task_postrun"[^\\n]*"taskId":"${result.id}"`));
    await following.waitOut(new RegExp(`"signal":"after_task_publish"[^\\n]*"taskId":"${result.id}"`));
    const { code, stdout } = await following.interrupt();
    expect(code).toBe(0);
    type Line = { type: string | null; origin: { name: string }; payload: { taskId?: string } };
    const mine = stdout.trim().split('\n').map((l) => JSON.parse(l) as Line).filter((e) => e.payload.taskId === result.id);
    expect(mine.filter((e) => e.origin.name !== 'w1').map((e) => e.type)).toEqual([null, 'task-sent']);
    expect(mine.filter((e) => e.origin.name === 'w1').map((e) => e.type)).toEqual(['task-received', 'task-started', 'task-succeeded', null]);

    const text = await onCluster('events', '--task', result.id);
    expect(text.code).toBe(0);
    const lines = text.stdout.trim().split('\n');
    expect(lines).toHaveLength(6);
    expect(lines.find((line) => line.includes('task-succeeded'))).toMatch(new RegExp(`^\\d\\d:\\d\\d:\\d\\d\\.\\d{3}  task-succeeded\\s+cluster.add  ${result.id}  w1 \\(\\d+\\)  result 9, \\d+ ms$`));
  });

  it('schedules list shows the periodic tasks of the prefix', async () => {
    executor = await BullmqExecutor.connect(options);
    await executor.schedules.upsert('digest-42', { task: 'cluster.add', every: '1h', args: [1, 2], options: { queue: 'digests' } });
    const json = await onCluster('schedules', 'list', '--json');
    expect(json).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(json.stdout)).toEqual([expect.objectContaining({ id: 'digest-42', task: 'cluster.add', every: 3_600_000, args: [1, 2], queue: 'digests', source: 'runtime' })]);
  });
});

describe('how the tasks command reaches a cluster', () => {
  it('takes the nodes as redis:// URLs, and sends the user and password they carry to the nodes', async () => {
    const prefix = uniquePrefix('cli-cluster');
    const urls = CLUSTER_NODES.map(({ host, port }) => `redis://${host}:${port}`);
    await expect(tasks(['--cluster', urls.join(','), '--prefix', prefix, 'ping', '--timeout', '300'])).resolves.toMatchObject({ code: 3, stderr: 'No worker answered within 300 ms.\n' });
    // The test cluster has no such user: the node's refusal proves the credentials were sent, and the password is not shown.
    const [first, ...others] = CLUSTER_NODES;
    const withUser = [`redis://nobody:not-the-password@${first!.host}:${first!.port}`, ...others.map(({ host, port }) => `${host}:${port}`)].join(',');
    const refused = await tasks(['--cluster', withUser, '--prefix', prefix, 'ping']);
    expect(refused).toMatchObject({ code: 1, stdout: '' });
    expect(refused.stderr).toMatch(/error: RedisConnectionError: Could not use Redis at cluster [\d.:,]+: WRONGPASS invalid username-password pair/);
    expect(refused.stderr).not.toContain('not-the-password');
    await deleteClusterKeys(prefix);
  });

  it('fails given a node of the cluster as --url, and says to give the nodes with --cluster', async () => {
    const prefix = uniquePrefix('cli-cluster');
    const runs = await Promise.all(CLUSTER_NODES.map(({ host, port }) => tasks(['--url', `redis://${host}:${port}`, '--prefix', prefix, 'workers'])));
    // The first key the command reads is in a slot of one master; the others redirect it.
    const redirected = runs.filter((run) => run.code === 1);
    expect(redirected.length).toBeGreaterThanOrEqual(CLUSTER_NODES.length - 1);
    for (const run of redirected) {
      expect(run.stderr).toMatch(/^error: ReplyError: MOVED \d+ \S+\nThe Redis of --url is a node of a Redis Cluster: give its nodes with --cluster <host:port,...> instead of --url.\n$/);
    }
    await deleteClusterKeys(prefix);
  });
});
