import { afterTaskPublish, type JsonValue, type TaskRegistry } from '@tasks/core';
import {
  completePublish,
  draftPublish,
  planTasks,
  preparePublish,
  publishOptionsOf,
  type CanvasPlan,
  type PlannedChord,
  type PlannedNode,
  type PlannedTask,
  type PreparedPublish,
} from '@tasks/core/internal';
import { FlowProducer, type FlowJob, type JobsOptions } from 'bullmq';
import type { RedisClient as Redis } from '../connection/redis-client';
import { attemptBudget } from '../message/protocol';
import { taskJobOptions } from '../publisher/task-job-options';
import { encodeTaskMessage } from '../message/task-message.codec';
import type { ResultRetention } from '../options';
import type { QueueSet } from '../queues/queue-set';
import type { TaskTelemetry } from '../telemetry/task-telemetry';
import { actsOnFailure, actsOnSuccess, joinOf, stepRef, type CanvasJobData, type CanvasJobInfo, type StepRef } from './canvas-job';
import { writeStepRecords } from './step-records';

type Retention = Required<ResultRetention>;

/** A task ready to be written: its call (publish signals fired) and its job. */
interface PreparedJob {
  call: PreparedPublish;
  data: CanvasJobData;
  opts: JobsOptions;
}

/** A flow node whose job is being prepared; `job` is set once it is. */
interface PreparingFlowJob extends Omit<FlowJob, 'children'> {
  children?: PreparingFlowJob[];
  job?: PreparedJob;
}

/** A flow node and the preparation of its job. */
interface PendingNode {
  prepared: PreparedJob | Promise<PreparedJob>;
  node: PreparingFlowJob;
}

/**
 * Writes canvas tasks to Redis: the caller's `delay()` publishes a plan's first tasks,
 * and a worker publishes what comes after a task that ended. Lone tasks and chain steps
 * are plain jobs; a chord is a BullMQ flow whose parent is the callback and whose
 * children are the header members, so the join happens in Redis.
 */
export class CanvasWriter {
  private flows: FlowProducer | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly registry: TaskRegistry | undefined,
    private readonly queues: QueueSet,
    private readonly telemetry: TaskTelemetry,
    /** Told of each job as soon as its add is sent (not answered): a worker takes the job on that connection next. */
    private readonly added?: (queue: string) => void,
  ) {}

  /** Publishes a plan from the caller: records for its tasks, then the tasks that start it. */
  async publishPlan(plan: CanvasPlan, retention: Retention): Promise<void> {
    const { root } = plan;
    // A canvas task gets a step record unless its job is written now and carries its canvas
    // part (a chord's tasks, a chain's first step): that job says what the record would.
    // A plain group's members are lone tasks, and a lone task needs none either.
    // The records are sent first on the connection the tasks are written on, so Redis has
    // them before any task, without waiting for their reply before the tasks are written.
    const lone = root.kind === 'task' || (root.kind === 'group' && root.members.every((member) => member.kind === 'task'));
    const steps = lone ? [] : undescribed(root, []);
    const records = steps.length > 0 ? writeStepRecords(this.redis, this.prefix, steps.map(stepRef), retention.failedSeconds) : undefined;
    await Promise.all([records, this.publish(root, undefined, undefined, retention)]);
  }

  /** Publishes `node` with `prepend` before its arguments; `next` is published after it succeeds. */
  async publish(node: PlannedNode, prepend: readonly JsonValue[] | undefined, next: PlannedNode | undefined, retention: Retention): Promise<void> {
    switch (node.kind) {
      case 'task': {
        // `next` is published once it succeeds, and its tasks doomed if it fails for good (see `doomedOf`).
        const info: CanvasJobInfo = { retention };
        if (next) info.next = next;
        const job = await this.prepare(node, prepend, info, retention);
        const adding = this.queues.get(job.call.queue).add(node.name, job.data, job.opts);
        this.added?.(job.call.queue);
        await adding;
        const published = this.published(job);
        if (published) await published;
        return;
      }
      case 'chain': {
        const [first, ...rest] = node.steps;
        return this.publish(first!, prepend, then(rest, next), retention);
      }
      case 'group':
        return this.group(node.members, prepend, retention);
      case 'chord':
        return this.chord(node, prepend, next, retention);
    }
  }

  /** Closes the flow producer; the queues belong to whoever gave them. */
  async close(): Promise<void> {
    await this.flows?.close();
  }

  private async group(members: readonly PlannedNode[], prepend: readonly JsonValue[] | undefined, retention: Retention): Promise<void> {
    const tasks = members.filter((member): member is PlannedTask => member.kind === 'task');
    // Prepared side by side: each member's before_task_publish still comes before its write.
    const jobs = await settled(tasks.map((task) => this.prepare(task, prepend, { retention }, retention)));
    const byQueue = new Map<string, PreparedJob[]>();
    for (const job of jobs) {
      let queued = byQueue.get(job.call.queue);
      if (!queued) byQueue.set(job.call.queue, (queued = []));
      queued.push(job);
    }
    // One round trip per queue, as BullMQ's addBulk; members that are chains start on their own.
    await Promise.all([
      ...[...byQueue].map(([queue, queued]) => this.queues.get(queue).addBulk(queued.map((job) => ({ name: job.call.name, data: job.data, opts: job.opts })))),
      ...members.filter((member) => member.kind !== 'task').map((member) => this.publish(member, prepend, undefined, retention)),
    ]);
    await Promise.all(jobs.map((job) => this.published(job)));
  }

  /**
   * A chord is one flow: the callback is the parent, each member a child that fails the
   * parent when it fails for good. A member that is a chain is a line of nested children,
   * each step the parent of the one before it.
   */
  private async chord(chord: PlannedChord, prepend: readonly JsonValue[] | undefined, next: PlannedNode | undefined, retention: Retention): Promise<void> {
    const body = chord.body;
    const callback = chordCallback(chord);
    const after = then(body.kind === 'chain' ? body.steps.slice(1) : [], next);
    const doomed = after ? planTasks(after).map(stepRef) : undefined;
    const jobs: PendingNode[] = [];
    const members: StepRef[] = [];
    const children = chord.header.members.map((member) => {
      const steps = member.kind === 'chain' ? (member.steps as PlannedTask[]) : [member as PlannedTask];
      let child: PreparingFlowJob | undefined;
      let previous: PlannedTask | undefined;
      for (const step of steps) {
        // Built by assignment, as `canvasPart` is.
        const info: CanvasJobInfo = { chordMember: true, retention };
        if (doomed) info.doomed = doomed;
        if (previous) info.join = joinOf([stepRef(previous)], true);
        child = this.flowJob(step, previous ? undefined : prepend, info, retention, jobs, child ? [child] : undefined);
        child.opts = { failParentOnFailure: true };
        previous = step;
      }
      members.push(stepRef(previous!));
      return child!;
    });
    const info: CanvasJobInfo = { join: joinOf(members, false), retention };
    if (after) info.next = after;
    const parent = this.flowJob(callback, undefined, info, retention, jobs, children);
    const prepared = await settled(jobs.map((job) => job.prepared));
    prepared.forEach((job, i) => (jobs[i]!.node.job = job));
    await this.flowProducer().add(resolveFlow(parent, this.queues.prefixOf));
    for (const job of prepared) {
      const published = this.published(job);
      if (published) await published;
    }
  }

  /** A flow node whose call is prepared (publish signals fired) before the flow is written. */
  private flowJob(
    task: PlannedTask,
    prepend: readonly JsonValue[] | undefined,
    info: CanvasJobInfo,
    retention: Retention,
    jobs: PendingNode[],
    children: PreparingFlowJob[] | undefined,
  ): PreparingFlowJob {
    const node: PreparingFlowJob = { name: task.name, queueName: task.options.queue };
    if (children) node.children = children;
    jobs.push({ prepared: this.prepare(task, prepend, info, retention), node });
    return node;
  }

  /**
   * Fires the task's `before_task_publish` and makes its job; a promise only when a
   * receiver left the signal pending or the publish is traced (a canvas of 1,000 tasks
   * spares 1,000 promises otherwise).
   */
  private prepare(task: PlannedTask, prepend: readonly JsonValue[] | undefined, info: CanvasJobInfo, retention: Retention): PreparedJob | Promise<PreparedJob> {
    const args = prepend && !task.immutable ? [...prepend, ...task.args] : task.args;
    const options = publishOptionsOf(task);
    // Each canvas task gets its `publish <task>` span, and its trace context in its headers.
    if (this.telemetry.tracing) {
      return this.telemetry.publish(task.name, options, (traced) => preparePublish(task.name, args, traced, this.registry)).then((call) => this.job(task, call, info, retention));
    }
    const draft = draftPublish(task.name, args, options, this.registry);
    if (draft.pending) return draft.pending.then(() => this.job(task, completePublish(draft), info, retention));
    return this.job(task, completePublish(draft), info, retention);
  }

  /** The job of a prepared call. */
  private job(task: PlannedTask, call: PreparedPublish, info: CanvasJobInfo, retention: Retention): PreparedJob {
    const data: CanvasJobData = encodeTaskMessage(call);
    const canvas = canvasPart(task, info);
    if (canvas) data.canvas = canvas;
    const opts: JobsOptions = taskJobOptions(retention, call.options.priority, attemptBudget(this.registry?.get(task.name)));
    opts.jobId = call.taskId;
    if (call.delayMs > 0) opts.delay = call.delayMs;
    return { call, data, opts };
  }

  /** Fires `after_task_publish`; a promise only when a receiver returned one. */
  private published(job: PreparedJob): Promise<unknown> | undefined {
    const { call } = job;
    return afterTaskPublish.notify(call.name, { taskId: call.taskId, args: call.args, headers: call.headers, queue: call.queue });
  }

  private flowProducer(): FlowProducer {
    if (!this.flows) {
      this.flows = new FlowProducer({ connection: this.redis, prefix: this.prefix });
      this.flows.on('error', () => undefined);
    }
    return this.flows;
  }

}

/**
 * Adds to `into` the tasks of `node` that need a step record: all but those that
 * publishing `node` writes at once with their canvas part in their job (a chord's
 * members and callback, and a chain's first step when steps follow it). A plain member
 * of a group carries no canvas part, so it keeps its record.
 */
function undescribed(node: PlannedNode, into: PlannedTask[]): PlannedTask[] {
  switch (node.kind) {
    case 'task':
      into.push(node);
      break;
    case 'chain': {
      const [first, ...rest] = node.steps;
      if (first!.kind !== 'task') undescribed(first!, into);
      else if (rest.length === 0) into.push(first!);
      for (const step of rest) pushAll(into, planTasks(step));
      break;
    }
    case 'group':
      for (const member of node.members) undescribed(member, into);
      break;
    case 'chord':
      // What follows the callback in the chord's body is published later.
      if (node.body.kind === 'chain') for (const step of node.body.steps.slice(1)) pushAll(into, planTasks(step));
  }
  return into;
}

function pushAll<T>(into: T[], items: readonly T[]): void {
  for (const item of items) into.push(item);
}

/** The task a chord's join runs: its body, or the body's first step. */
function chordCallback(chord: PlannedChord): PlannedTask {
  return (chord.body.kind === 'chain' ? chord.body.steps[0] : chord.body) as PlannedTask;
}

/** The values of `items`, waiting only when one of them is a promise. */
function settled<T>(items: Array<T | Promise<T>>): T[] | Promise<T[]> {
  return items.some((item) => item instanceof Promise) ? Promise.all(items) : (items as T[]);
}

/**
 * What a task's job carries of the canvas, built by assignment (V8 builds a spread followed
 * by more properties slowly, and this runs per member); none for a task with nothing to do
 * after it (a plain group's member). The retention goes only with what publishes or dooms
 * tasks, which a chord member usually does not.
 */
function canvasPart(task: PlannedTask, info: CanvasJobInfo): CanvasJobInfo | undefined {
  if (!(info.next || task.link || task.linkError || info.doomed || info.chordMember || info.join)) return undefined;
  const canvas: CanvasJobInfo = {};
  if (info.next) canvas.next = info.next;
  if (task.link) canvas.link = task.link;
  if (task.linkError) canvas.linkError = task.linkError;
  if (info.doomed) canvas.doomed = info.doomed;
  if (info.chordMember) canvas.chordMember = true;
  if (info.join) canvas.join = info.join;
  if (info.retention && (actsOnSuccess(canvas) || actsOnFailure(canvas))) canvas.retention = info.retention;
  return canvas;
}

/** The steps after a chain step, followed by what comes after the chain. */
function then(rest: readonly PlannedNode[], next: PlannedNode | undefined): PlannedNode | undefined {
  const steps = next ? [...rest, next] : [...rest];
  if (steps.length === 0) return undefined;
  return steps.length === 1 ? steps[0] : { kind: 'chain', steps };
}

/** Fills each flow node's data, options and prefix from its prepared call. */
function resolveFlow(node: PreparingFlowJob, prefixOf: (queue: string) => string): FlowJob {
  const job = node.job!;
  const queueName = job.call.queue;
  // The job's options are its own: the node's are added in place.
  if (node.opts) Object.assign(job.opts, node.opts);
  // Each node in its queue's prefix: with queues sharded over a cluster, that is the queue's hash tag.
  const { name, children } = node;
  const prefix = prefixOf(queueName);
  if (!children) return { name, queueName, prefix, data: job.data, opts: job.opts };
  return { name, queueName, prefix, data: job.data, opts: job.opts, children: children.map((child) => resolveFlow(child, prefixOf)) };
}
