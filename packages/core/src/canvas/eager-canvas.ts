import { ChordError } from '../errors';
import type { AsyncResult } from '../tasks/async-result';
import type { PublishOptions } from '../tasks/task-message';
import { toError } from '../utils/to-error';
import { planTasks, publishOptionsOf, type CanvasPlan, type PlannedNode, type PlannedTask } from './canvas-plan';

/** What the eager canvas needs of the eager executor. */
export interface EagerCanvasHost {
  applyAsync(name: string, args: readonly unknown[], options: PublishOptions): Promise<AsyncResult>;
  /** Records a task that will never run as failed with `error` (a chain or chord stopped before it). */
  recordFailure(taskId: string, name: string, error: Error): void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: Error; taskId: string };

/**
 * Runs a plan inline, in the order a worker would: each chain step after the one
 * before it succeeded, chord callbacks after every member, links after their task.
 * Tasks after a final failure never run and read `FAILURE` with its error.
 */
export async function runEagerCanvas(host: EagerCanvasHost, plan: CanvasPlan): Promise<void> {
  await new EagerCanvas(host).run(plan.root, undefined);
}

class EagerCanvas {
  constructor(private readonly host: EagerCanvasHost) {}

  async run(node: PlannedNode, prepend: readonly unknown[] | undefined): Promise<Outcome> {
    switch (node.kind) {
      case 'task':
        return this.task(node, prepend);
      case 'chain': {
        let input = prepend;
        for (const [i, step] of node.steps.entries()) {
          const outcome = await this.run(step, input);
          if (!outcome.ok) {
            this.doom(node.steps.slice(i + 1).flatMap(planTasks), outcome.error);
            return outcome;
          }
          input = [outcome.value];
        }
        return { ok: true, value: input![0] };
      }
      case 'group': {
        // Members are independent: one failing does not stop the others.
        const outcomes: Outcome[] = [];
        for (const member of node.members) outcomes.push(await this.run(member, prepend));
        const failed = outcomes.find((outcome) => !outcome.ok);
        return failed ?? { ok: true, value: outcomes.map((outcome) => (outcome as { value: unknown }).value) };
      }
      case 'chord': {
        const header = await this.run(node.header, prepend);
        if (!header.ok) {
          const error = new ChordError(header.taskId, header.error);
          this.doom(planTasks(node.body), error);
          return { ok: false, error, taskId: header.taskId };
        }
        return this.run(node.body, [header.value]);
      }
    }
  }

  private async task(task: PlannedTask, prepend: readonly unknown[] | undefined): Promise<Outcome> {
    const args = prepend && !task.immutable ? [...prepend, ...task.args] : task.args;
    const result = await this.host.applyAsync(task.name, args, publishOptionsOf(task));
    let outcome: Outcome;
    try {
      outcome = { ok: true, value: await result.get() };
    } catch (thrown) {
      outcome = { ok: false, error: toError(thrown), taskId: task.id };
    }
    if (outcome.ok) {
      for (const link of task.link ?? []) await this.run(link, [outcome.value]);
    } else {
      const { name, message, stack } = outcome.error;
      for (const link of task.linkError ?? []) await this.run(link, [task.id, { name, message, ...(stack !== undefined && { stack }) }]);
    }
    return outcome;
  }

  private doom(tasks: readonly PlannedTask[], error: Error): void {
    for (const task of tasks) this.host.recordFailure(task.id, task.name, error);
  }
}
