import {
  TaskState,
  TaskTimeoutError,
  type AsyncResult,
  type GetResultOptions,
  type RevokeOptions,
  type RevokeOutcome,
} from '@tasks/core';
import type { JobCompleted } from './result-events';
import type { FoundTask, TaskResults } from './task-results';

/** Revokes a task by id: the executor's `revoke`, given to each handle. */
export type RevokeTask = (taskId: string, options?: RevokeOptions) => Promise<RevokeOutcome>;

/** A handle on a task published through BullMQ; see `AsyncResult`. */
export class BullmqAsyncResult implements AsyncResult {
  constructor(
    readonly id: string,
    private readonly results: TaskResults,
    private readonly revokeTask: RevokeTask,
    private queue: string | undefined,
  ) {}

  async state(): Promise<TaskState> {
    return (await this.find()).outcome.state;
  }

  async get(options: GetResultOptions = {}): Promise<unknown> {
    const { timeoutMs } = options;
    let wake: (end?: JobCompleted) => void = () => undefined;
    // Watch first, then read: an end that happens in between still wakes us.
    const stop = await this.results.watch(this.id, this.queue, (end) => wake(end));
    let timer: NodeJS.Timeout | undefined;
    const timedOut =
      timeoutMs === undefined
        ? new Promise<never>(() => undefined)
        : new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new TaskTimeoutError(this.id, timeoutMs)), timeoutMs);
          });
    try {
      for (;;) {
        // Armed before each read, so an event during the read is not lost.
        const woken = new Promise<JobCompleted | undefined>((resolve) => (wake = resolve));
        const { outcome } = await Promise.race([this.find(), timedOut]);
        if (outcome.state === TaskState.SUCCESS) return outcome.result;
        if (outcome.state === TaskState.FAILURE || outcome.state === TaskState.REVOKED) throw outcome.error;
        const end = await Promise.race([woken, timedOut]);
        if (end) return end.result;
      }
    } finally {
      clearTimeout(timer);
      stop();
    }
  }

  revoke(options?: RevokeOptions): Promise<RevokeOutcome> {
    return this.revokeTask(this.id, options);
  }

  private async find(): Promise<FoundTask> {
    const found = await this.results.find(this.id, this.queue);
    this.queue ??= found.queue;
    return found;
  }
}
