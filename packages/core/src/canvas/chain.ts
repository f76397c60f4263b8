import { runnerOf, type CanvasNode, type CanvasRunner } from './canvas-node';
import { canvasTypes, type CanvasTypes, type StartsAlone, type Typed } from './canvas-types';
import type { CanvasResult } from './canvas-result';

/**
 * Steps run one after another, each getting the previous result as its first
 * argument, as Celery's `chain`. Each step is published by the worker once the
 * step before it succeeded; the first final failure stops the chain.
 *
 * @example
 * const last = await tasks.chain(charge.s(orderId), receipt.s(), fulfil.s()).delay();
 * await last.get();   // the last step's result, or the failing step's error
 */
export class Chain<Input = unknown, Result = unknown> implements Typed<Input, Result> {
  declare readonly [canvasTypes]?: CanvasTypes<Input, Result>;
  readonly kind = 'chain' as const;

  /** @internal Made by `tasks.chain()`. */
  constructor(
    readonly steps: readonly CanvasNode[],
    private readonly runner?: CanvasRunner,
  ) {}

  /** Publishes the chain; resolves to the last step's result handle, whose `parent` is the step before. */
  // `_startsAlone` exists only for tsc: see StartsAlone.
  delay(..._startsAlone: StartsAlone<Input>): Promise<CanvasResult<Result>> {
    return runnerOf(this.runner, 'Chain.delay()').run(this as unknown as CanvasNode) as Promise<CanvasResult<Result>>;
  }
}
