import type { AsyncResult } from '../tasks/async-result';
import type { LinkedTask, PublishOptions } from '../tasks/task-message';
import { runnerOf, type CanvasNode, type CanvasRunner } from './canvas-node';
import { canvasTypes, type CanvasTypes, type StartsAlone, type Typed } from './canvas-types';

/**
 * One task call that is not made yet, as Celery's signature: a name, arguments and
 * publish options. In a chain, or as a chord callback or a `link`, the previous
 * result is prepended to its arguments, unless it was made with `.si()` (immutable).
 * `Input` is what it accepts from the previous step; `Result` what it produces.
 *
 * @example
 * const sig = tasks.ref(BillingTasks, 'charge').s(orderId).set({ priority: 1 });
 * await sig.delay();
 */
export class Signature<Input = unknown, Result = unknown> implements LinkedTask, Typed<Input, Result> {
  declare readonly [canvasTypes]?: CanvasTypes<Input, Result>;
  readonly kind = 'signature' as const;

  /** @internal Made by `ref.s()`, `ref.si()` or `tasks.signature()`. */
  constructor(
    readonly task: string,
    readonly args: readonly unknown[],
    readonly options: Readonly<PublishOptions> = {},
    readonly immutable = false,
    private readonly runner?: CanvasRunner,
  ) {}

  /** A copy with these publish options added (headers merged), as Celery's `sig.set()`. */
  set(options: PublishOptions): Signature<Input, Result> {
    const headers = options.headers && { ...this.options.headers, ...options.headers };
    return new Signature(this.task, this.args, { ...this.options, ...options, ...(headers && { headers }) }, this.immutable, this.runner);
  }

  /** Publishes this call on its own (with its `link` / `linkError`, if any). */
  // `_startsAlone` exists only for tsc: see StartsAlone.
  delay(..._startsAlone: StartsAlone<Input>): Promise<AsyncResult<Result>> {
    return runnerOf(this.runner, 'Signature.delay()').run(this as unknown as CanvasNode) as Promise<AsyncResult<Result>>;
  }
}
