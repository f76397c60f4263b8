import { TaskState, type JsonValue, type TaskRequest } from '@tasks/core';

/** A task a worker holds, as `inspect('active' | 'reserved')` reports it. */
export interface HeldTask {
  id: string;
  name: string;
  args: readonly JsonValue[];
  queue: string;
  /** Attempts that failed before this one. */
  retries: number;
  /** When the worker took it (epoch ms). */
  receivedAt: number;
  /** When its body started (epoch ms); absent while reserved. */
  startedAt?: number;
}

/** What one worker does and did: tasks held now, and counts since it started. */
export class WorkerActivity {
  readonly startedAt = Date.now();
  processed = 0;
  succeeded = 0;
  failed = 0;
  retried = 0;
  private readonly held = new Map<string, HeldTask>();

  /** The worker took a task (`task_received`). */
  received(request: TaskRequest): void {
    this.held.set(request.id, { id: request.id, name: request.name, args: request.args, queue: request.queue, retries: request.retries, receivedAt: Date.now() });
  }

  /** Its body starts. */
  started(taskId: string): void {
    const task = this.held.get(taskId);
    if (task) task.startedAt = Date.now();
  }

  /** The attempt ended (or the task was refused) with `state`, if it ran. */
  ended(taskId: string, state?: TaskState): void {
    if (!this.held.delete(taskId) || state === undefined) return;
    this.processed++;
    if (state === TaskState.SUCCESS) this.succeeded++;
    else if (state === TaskState.RETRY) this.retried++;
    else this.failed++;
  }

  /** Tasks whose body runs. */
  active(): HeldTask[] {
    return [...this.held.values()].filter((task) => task.startedAt !== undefined);
  }

  /** Tasks taken but not started (waiting for a revoke check or a slot). */
  reserved(): HeldTask[] {
    return [...this.held.values()].filter((task) => task.startedAt === undefined);
  }

  get activeCount(): number {
    let count = 0;
    for (const task of this.held.values()) if (task.startedAt !== undefined) count++;
    return count;
  }
}
