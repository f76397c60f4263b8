import { runnerOf, type CanvasNode, type CanvasRunner } from './canvas-node';
import { canvasTypes, type CanvasTypes, type StartsAlone, type Typed } from './canvas-types';
import type { CanvasResult } from './canvas-result';

/**
 * A group (the header) and a callback that gets the array of the header's results
 * once every member succeeded, as Celery's `chord`. The join happens in Redis
 * (BullMQ parent/child dependencies). A member that fails for good means the
 * callback never runs, and the result rejects with `ChordError`.
 *
 * @example
 * const sum = await tasks.chord([price.s(1), price.s(2)], total.s()).delay();
 * await sum.get();
 */
export class Chord<Input = unknown, Result = unknown> implements Typed<Input, Result> {
  declare readonly [canvasTypes]?: CanvasTypes<Input, Result>;
  readonly kind = 'chord' as const;

  /** @internal Made by `tasks.chord()`. */
  constructor(
    readonly header: readonly CanvasNode[],
    readonly callback: CanvasNode,
    private readonly runner?: CanvasRunner,
  ) {}

  /** Publishes the header and the callback; resolves to the callback's result handle (`parent`: the header's). */
  // `_startsAlone` exists only for tsc: see StartsAlone.
  delay(..._startsAlone: StartsAlone<Input>): Promise<CanvasResult<Result>> {
    return runnerOf(this.runner, 'Chord.delay()').run(this as unknown as CanvasNode) as Promise<CanvasResult<Result>>;
  }
}
