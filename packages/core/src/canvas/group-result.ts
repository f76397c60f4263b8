import type { AsyncResult, GetResultOptions, RevokeOptions, RevokeOutcome } from '../tasks/async-result';
import { TaskState } from '../tasks/task-state';

/** Options of {@link GroupResult.get}. */
export interface GetGroupOptions extends GetResultOptions {
  /**
   * `true` (default): reject with the first member error. `false`: resolve with every
   * member's result or, in its place, its error, as Celery's `propagate=False`.
   */
  propagate?: boolean;
}

/**
 * Handles on the members of a group, in order, as Celery's `GroupResult`.
 *
 * @example
 * const all = await tasks.group([resize.s(a), resize.s(b)]).delay();
 * await all.completedCount();                    // members that succeeded so far
 * const results = await all.get({ propagate: false });   // results, errors in place
 */
export class GroupResult<Results extends readonly unknown[] = unknown[]> {
  /**
   * @param id the group's id (every member's `groupId`)
   * @param results one handle per member; a member that is a chain is its last step
   */
  constructor(
    readonly id: string,
    readonly results: readonly AsyncResult[],
  ) {}

  /** Every member's result in order; see {@link GetGroupOptions.propagate}. */
  get(options: GetGroupOptions & { propagate: false }): Promise<{ -readonly [Index in keyof Results]: Results[Index] | Error }>;
  get(options?: GetGroupOptions): Promise<Results>;
  async get(options: GetGroupOptions = {}): Promise<unknown> {
    const { propagate = true, ...getOptions } = options;
    // One deadline for the whole group, not one per member.
    const deadline = getOptions.timeoutMs === undefined ? undefined : Date.now() + getOptions.timeoutMs;
    const each = (result: AsyncResult) => result.get(deadline === undefined ? {} : { timeoutMs: Math.max(0, deadline - Date.now()) });
    if (propagate) return Promise.all(this.results.map(each));
    return Promise.all(this.results.map((result) => each(result).catch((error: unknown) => error)));
  }

  /** Each member's state, in order. */
  state(): Promise<TaskState[]> {
    return Promise.all(this.results.map((result) => result.state()));
  }

  /** How many members succeeded, as Celery's `completed_count()`. */
  async completedCount(): Promise<number> {
    return (await this.state()).filter((state) => state === TaskState.SUCCESS).length;
  }

  /** Whether every member has finished (succeeded, failed or been revoked). */
  async ready(): Promise<boolean> {
    const done: readonly TaskState[] = [TaskState.SUCCESS, TaskState.FAILURE, TaskState.REVOKED];
    return (await this.state()).every((state) => done.includes(state));
  }

  /** Revokes every member that has not run yet (with `terminate`, running ones too). */
  revoke(options?: RevokeOptions): Promise<RevokeOutcome[]> {
    return Promise.all(this.results.map((result) => result.revoke(options)));
  }
}
