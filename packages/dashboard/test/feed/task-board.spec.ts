import type { TaskEvent } from '@tasks/bullmq';
import { listed, TaskBoard } from '../../src/feed/task-board';

let seq = 0;
/** An event as the stream yields it (the board reads only these fields). */
function event(signal: string, sender: string, payload: Record<string, unknown>, timestamp: number, origin = 'worker-1', taskId?: string): TaskEvent {
  seq++;
  const sentIn = taskId === undefined ? {} : { taskId };
  return { id: `${timestamp}-${seq}`, signal, type: null, sender, origin: { name: origin, hostname: 'h', pid: 7, id: 'x' }, timestamp, seq, payload, ...sentIn } as unknown as TaskEvent;
}

describe('TaskBoard: tasks, timelines and charts from events', () => {
  it('follows a task through its signals, whatever the order in which processes wrote them', () => {
    const board = new TaskBoard(10);
    // The worker wrote before the publisher's after_task_publish reached the stream.
    board.apply(event('task_received', 'shop.charge', { taskId: 't1', args: [5] }, 1010));
    board.apply(event('task_prerun', 'shop.charge', { taskId: 't1', args: [5] }, 1011));
    board.apply(event('after_task_publish', 'shop.charge', { taskId: 't1', args: [5], queue: 'billing' }, 1005, 'api'));
    board.apply(event('task_retry', 'shop.charge', { taskId: 't1', args: [5], error: { name: 'TimeoutError', message: 'slow' }, attempt: 1, delayMs: 100 }, 1020));
    board.apply(event('task_received', 'shop.charge', { taskId: 't1', args: [5] }, 1130));
    board.apply(event('task_prerun', 'shop.charge', { taskId: 't1', args: [5] }, 1131));
    board.apply(event('task_success', 'shop.charge', { taskId: 't1', args: [5], result: 500, runtimeMs: 12.4 }, 1143));
    board.apply(event('task_postrun', 'shop.charge', { taskId: 't1', args: [5], retval: 500, state: 'SUCCESS' }, 1144));
    const task = board.detail('t1')!;
    expect(task).toMatchObject({ name: 'shop.charge', state: 'SUCCESS', queue: 'billing', retries: 1, runtimeMs: 12.4, worker: 'worker-1', sentAt: 1005, result: { text: '500' } });
    expect(task.timeline.map((e) => [e.signal, e.process])).toEqual([
      ['after_task_publish', 'api'], ['task_received', 'worker-1'], ['task_prerun', 'worker-1'], ['task_retry', 'worker-1'],
      ['task_received', 'worker-1'], ['task_prerun', 'worker-1'], ['task_success', 'worker-1'], ['task_postrun', 'worker-1'],
    ]);
    expect(task.timeline[3]!.detail).toBe('attempt 1 in 100 ms: TimeoutError: slow');
    expect(task.timeline[6]!.detail).toBe('result 500 in 12 ms');
  });

  it('puts a custom signal sent while a task ran in that task\'s timeline, and ignores one sent outside any task', () => {
    const board = new TaskBoard(10);
    const heard: string[] = [];
    board.subscribe({ task: () => undefined, timeline: (taskId, entry) => heard.push(`${taskId} ${entry.signal}`), worker: () => undefined });
    board.apply(event('task_prerun', 'shop.charge', { taskId: 't1', args: [5] }, 1));
    board.apply(event('payment_captured', 'billing', { orderId: 'o1', amount: 5 }, 2, 'worker-1', 't1'));
    board.apply(event('payment_captured', 'billing', { orderId: 'o2', amount: 7 }, 3, 'api'));
    board.apply(event('task_success', 'shop.charge', { taskId: 't1', args: [5], result: 5, runtimeMs: 2 }, 4));
    const task = board.detail('t1')!;
    expect(task.timeline.map((e) => [e.signal, e.process, e.type, e.detail])).toEqual([
      ['task_prerun', 'worker-1', null, 'args [5]'],
      ['payment_captured', 'worker-1', null, '{"orderId":"o1","amount":5}'],
      ['task_success', 'worker-1', null, 'result 5 in 2 ms'],
    ]);
    expect(task.state).toBe('SUCCESS');
    expect(board.list().total).toBe(1);
    expect(heard).toEqual(['t1 task_prerun', 't1 payment_captured', 't1 task_success']);
  });

  it('does not move a started task back to received when a late event arrives', () => {
    const board = new TaskBoard(10);
    board.apply(event('task_prerun', 'a', { taskId: 't', args: [] }, 2));
    board.apply(event('task_received', 'a', { taskId: 't', args: [] }, 1));
    expect(board.detail('t')!.state).toBe('STARTED');
  });

  it('filters by state, name, queue and part of the id, newest first, and forgets the oldest past maxTasks', () => {
    const board = new TaskBoard(3);
    board.apply(event('after_task_publish', 'a', { taskId: 'aa-1', args: [], queue: 'q1' }, 1));
    board.apply(event('after_task_publish', 'b', { taskId: 'bb-2', args: [], queue: 'q2' }, 2));
    board.apply(event('task_failure', 'b', { taskId: 'bb-3', args: [], error: { name: 'Error', message: 'x' }, attempts: 3 }, 3));
    expect(board.list().tasks.map((t) => t.id)).toEqual(['bb-3', 'bb-2', 'aa-1']);
    expect(board.list({ state: 'FAILURE' }).tasks.map((t) => [t.id, t.retries])).toEqual([['bb-3', 2]]);
    expect(board.list({ name: 'b', queue: 'q2' }).tasks.map((t) => t.id)).toEqual(['bb-2']);
    expect(board.list({ search: 'A-1' }).tasks.map((t) => t.id)).toEqual(['aa-1']);
    board.apply(event('after_task_publish', 'c', { taskId: 'cc-4', args: [], queue: 'q1' }, 4));
    expect(board.detail('aa-1')).toBeUndefined();
    expect(board.list()).toMatchObject({ total: 3, names: ['b', 'c'], queues: ['q1', 'q2'] });
  });

  it('counts finished runs per name in buckets for the charts', () => {
    const board = new TaskBoard(10);
    board.apply(event('task_success', 'a', { taskId: '1', args: [], result: null, runtimeMs: 10 }, 60_500));
    board.apply(event('task_success', 'a', { taskId: '2', args: [], result: null, runtimeMs: 30 }, 61_000));
    board.apply(event('task_failure', 'b', { taskId: '3', args: [], error: { message: 'x' }, attempts: 1 }, 75_000));
    const charts = board.charts(80_000, 30_000, 10_000);
    expect(charts.from).toBe(60_000);
    expect(charts.series.map((s) => s.name)).toEqual(['a', 'b']);
    expect(charts.series[0]!.buckets[0]).toEqual({ count: 2, failed: 0, meanMs: 20, maxMs: 30 });
    expect(charts.series[1]!.buckets[1]).toMatchObject({ count: 1, failed: 1 });
    expect(charts.series[1]!.buckets[0]).toEqual({ count: 0, failed: 0, meanMs: null, maxMs: null });
  });

  it('tells listeners of each change, with the task whole (cut for lists by listed())', () => {
    const board = new TaskBoard(10);
    const heard: string[] = [];
    const stop = board.subscribe({ task: (t) => heard.push(`task ${t.id} ${t.args!.text.length} ${listed(t).args!.text.length} ${String(listed(t).args!.truncated)}`), timeline: (id, e) => heard.push(`timeline ${id} ${e.signal}`), worker: (name) => heard.push(`worker ${name}`) });
    board.apply(event('task_received', 'a', { taskId: 'x', args: ['y'.repeat(500)] }, 1));
    board.apply(event('worker_heartbeat', 'w1', { active: 0 }, 2));
    stop();
    board.apply(event('task_prerun', 'a', { taskId: 'x', args: [] }, 3));
    expect(heard).toEqual(['task x 504 200 true', 'timeline x task_received', 'worker w1']);
    expect(board.detail('x')!.args!.text.length).toBe(504);
  });
});
