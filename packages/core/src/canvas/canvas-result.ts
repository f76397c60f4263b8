import type { AsyncResult, GetResultOptions, RevokeOptions, RevokeOutcome } from '../tasks/async-result';
import type { TaskState } from '../tasks/task-state';
import type { GroupResult } from './group-result';

/**
 * The result of a chain or chord: the last task's handle, with `parent` leading back
 * through the steps before it (a chord's parent is its header's `GroupResult`), as
 * Celery's `AsyncResult.parent`. Revoking it revokes every task of the canvas that
 * has not run yet.
 */
export interface CanvasResult<Result = unknown> extends AsyncResult<Result> {
  /** The step before this one, if any. */
  readonly parent: AsyncResult | GroupResult<readonly unknown[]> | undefined;
}

/** An {@link AsyncResult} with its parent and the ids a revoke reaches. */
export class LinkedResult<Result = unknown> implements CanvasResult<Result> {
  constructor(
    private readonly own: AsyncResult,
    readonly parent: AsyncResult | GroupResult<readonly unknown[]> | undefined,
    /** The other tasks a revoke reaches (their handles made only if it is revoked). */
    private readonly revokeAlso: () => readonly AsyncResult[] = () => [],
  ) {}

  get id(): string {
    return this.own.id;
  }

  state(): Promise<TaskState> {
    return this.own.state();
  }

  get(options?: GetResultOptions): Promise<Result> {
    return this.own.get(options) as Promise<Result>;
  }

  /** Revokes this task and the canvas tasks that have not run yet; the outcome is this task's. */
  async revoke(options?: RevokeOptions): Promise<RevokeOutcome> {
    const [outcome] = await Promise.all([this.own.revoke(options), ...this.revokeAlso().map((result) => result.revoke(options))]);
    return outcome!;
  }
}
