import type { AsyncResult } from '../tasks/async-result';
import type { TaskExecutor } from '../tasks/async-result';
import { LinkedResult } from './canvas-result';
import { planTasks, type CanvasPlan, type PlannedNode } from './canvas-plan';
import { GroupResult } from './group-result';

type NodeResult = AsyncResult | GroupResult<readonly unknown[]>;

/**
 * The handle `delay()` resolves to: a task's or chain's last result (with `parent`
 * links), a chord's callback result, or a group's `GroupResult`. Revoking a chain's or
 * chord's result reaches every task of it that has not run yet.
 */
export function canvasResult(plan: CanvasPlan, executor: TaskExecutor): NodeResult {
  return resultOf(plan.root, undefined, executor, true);
}

function resultOf(node: PlannedNode, parent: NodeResult | undefined, executor: TaskExecutor, top: boolean): NodeResult {
  const all = () => planTasks(node).map((task) => executor.result(task.id, { queue: task.options.queue }));
  switch (node.kind) {
    case 'task':
      return new LinkedResult(executor.result(node.id, { queue: node.options.queue }), parent);
    case 'group':
      // A member that is a chain or chord gets the revoke reach of a top-level one.
      return new GroupResult(
        node.id,
        node.members.map((member) => resultOf(member, parent, executor, true) as AsyncResult),
      );
    case 'chain':
    case 'chord': {
      let last = parent;
      if (node.kind === 'chain') for (const step of node.steps) last = resultOf(step, last, executor, false);
      else last = resultOf(node.body, resultOf(node.header, parent, executor, false), executor, false);
      const result = last as LinkedResult;
      // The handles a revoke reaches are made only if it is revoked: a chord of 1,000 spares 1,000 handles.
      return top ? new LinkedResult(result, result.parent, () => all().filter((other) => other.id !== result.id)) : result;
    }
  }
}
