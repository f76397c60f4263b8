import { ChordError, TaskFailedError } from '../errors';
import type { JsonValue } from '../serialization/json-value';
import type { PublishOptions } from '../tasks/task-message';
import type { EagerHooks, EagerPublished } from '../eager/eager-executor';
import { planTasks, publishOptionsOf, type CanvasPlan, type PlannedChord, type PlannedNode, type PlannedTask } from './canvas-plan';

/** What the eager canvas needs of the eager executor. */
export interface EagerCanvasHost {
  publishOnly(name: string, args: readonly unknown[], options: PublishOptions): Promise<EagerPublished>;
  /** Records a task that will never run as failed with `error` (a chain or chord stopped before it). */
  recordFailure(taskId: string, name: string, error: Error): void;
}

/** A chord waiting for its members: their results in order, and its callback once all are in. */
interface Join {
  results: unknown[];
  remaining: number;
  failed: boolean;
  callback: PlannedTask;
  published: EagerPublished;
  /** What follows the callback. */
  after: PlannedNode | undefined;
}

/** Where a task stands in its canvas: what follows it, and the chord member slot its result fills. */
interface Place {
  next?: PlannedNode;
  member?: { join: Join; index: number };
}

/**
 * Runs a plan inline in the order a worker would: a task's next step and links are
 * published (their `before_task_publish` / `after_task_publish`) just before its
 * `task_success`, errbacks just before `task_failure`, and published tasks run one after
 * another once the task before them finished; a chord's callback is published with its
 * members and runs after the last of them. Tasks after a final failure never run and read
 * `FAILURE` with its error (a `ChordError` after a chord).
 */
export async function runEagerCanvas(host: EagerCanvasHost, plan: CanvasPlan): Promise<void> {
  const canvas = new EagerCanvas(host);
  await canvas.publish(plan.root, undefined, {});
  await canvas.drain();
}

class EagerCanvas {
  /** Tasks published and not run yet, in publish order: the eager stand-in for the queues. */
  private readonly due: Array<() => Promise<void>> = [];

  constructor(private readonly host: EagerCanvasHost) {}

  async drain(): Promise<void> {
    for (let run = this.due.shift(); run; run = this.due.shift()) await run();
  }

  async publish(node: PlannedNode, prepend: readonly unknown[] | undefined, place: Place): Promise<void> {
    switch (node.kind) {
      case 'task': {
        const args = prepend && !node.immutable ? [...prepend, ...node.args] : node.args;
        const published = await this.host.publishOnly(node.name, args, publishOptionsOf(node));
        this.due.push(() => published.run(this.hooks(node, place)));
        return;
      }
      case 'chain': {
        const [first, ...rest] = node.steps;
        const next = then(rest, place.next);
        // The chord slot belongs to the chain's last task.
        return this.publish(first!, prepend, next ? { next, ...(place.member && { member: place.member }) } : place);
      }
      case 'group':
        for (const member of node.members) await this.publish(member, prepend, {});
        return;
      case 'chord':
        return this.chord(node, prepend, place);
    }
  }

  private async chord(chord: PlannedChord, prepend: readonly unknown[] | undefined, place: Place): Promise<void> {
    const body = chord.body;
    const callback = (body.kind === 'chain' ? body.steps[0] : body) as PlannedTask;
    const members = chord.header.members;
    const pending: Array<{ member: PlannedNode; index: number }> = members.map((member, index) => ({ member, index }));
    // Members first, then the callback: the flow is written at once, the callback held until the members are done.
    const join = { results: new Array<unknown>(members.length), remaining: members.length, failed: false, callback } as Join;
    for (const { member, index } of pending) await this.publish(member, prepend, { member: { join, index } });
    join.published = await this.host.publishOnly(callback.name, callback.args, publishOptionsOf(callback));
    join.after = then(body.kind === 'chain' ? body.steps.slice(1) : [], place.next);
  }

  private hooks(task: PlannedTask, place: Place): EagerHooks {
    return {
      beforeSuccess: async (result) => {
        if (place.next) await this.publish(place.next, [result], place.member ? { member: place.member } : {});
        else if (place.member) this.memberSucceeded(place.member.join, place.member.index, result);
        for (const link of task.link ?? []) await this.publish(link, [result], {});
      },
      beforeFailure: async (error) => {
        // What never runs reads the failed task's error, as a result of that task would.
        const failed = new TaskFailedError(error.name, error.message, { taskId: task.id, taskName: task.name, remoteStack: error.stack });
        if (place.next) this.doom(planTasks(place.next), place.member ? new ChordError(task.id, failed) : failed);
        if (place.member) this.memberFailed(place.member.join, task.id, failed);
        const { name, message, stack } = error;
        for (const link of task.linkError ?? []) await this.publish(link, [task.id, { name, message, ...(stack !== undefined && { stack }) }], {});
      },
    };
  }

  private memberSucceeded(join: Join, index: number, result: JsonValue): void {
    join.results[index] = result;
    if (--join.remaining > 0 || join.failed) return;
    const { callback, after } = join;
    this.due.push(() => join.published.run(this.hooks(callback, after ? { next: after } : {}), [join.results, ...callback.args]));
  }

  private memberFailed(join: Join, memberId: string, error: Error): void {
    if (join.failed) return;
    join.failed = true;
    const chordError = new ChordError(memberId, error);
    this.doom([join.callback, ...(join.after ? planTasks(join.after) : [])], chordError);
  }

  private doom(tasks: readonly PlannedTask[], error: Error): void {
    for (const task of tasks) this.host.recordFailure(task.id, task.name, error);
  }
}

/** The steps after a chain step, followed by what comes after the chain. */
function then(rest: readonly PlannedNode[], next: PlannedNode | undefined): PlannedNode | undefined {
  const steps = next ? [...rest, next] : [...rest];
  if (steps.length === 0) return undefined;
  return steps.length === 1 ? steps[0] : { kind: 'chain', steps };
}
