import { planTasks, type PlannedNode, type PlannedTask } from '@tasks/core/internal';

/** The queues of every task of a canvas: members, callbacks, and `link`/`linkError` tasks at any depth. */
export function canvasQueues(node: PlannedNode): Set<string> {
  const queues = new Set<string>();
  const visit = (task: PlannedTask): void => {
    queues.add(task.options.queue);
    task.link?.forEach(visit);
    task.linkError?.forEach(visit);
  };
  planTasks(node).forEach(visit);
  return queues;
}
