import { runnerOf, type CanvasNode, type CanvasRunner } from './canvas-node';
import { canvasTypes, type CanvasTypes, type StartsAlone, type Typed } from './canvas-types';
import type { GroupResult } from './group-result';

/**
 * Members that run in parallel, as Celery's `group`. In a chain, a group followed by
 * another step is a chord: that step gets the array of the members' results.
 *
 * @example
 * const all = await tasks.group([resize.s(a), resize.s(b)]).delay();
 * const [first, second] = await all.get();
 */
export class Group<Input = unknown, Results extends readonly unknown[] = unknown[]> implements Typed<Input, Results> {
  declare readonly [canvasTypes]?: CanvasTypes<Input, Results>;
  readonly kind = 'group' as const;

  /** @internal Made by `tasks.group()`. */
  constructor(
    readonly members: readonly CanvasNode[],
    private readonly runner?: CanvasRunner,
  ) {}

  /** Publishes every member; resolves to a handle on all of their results, in order. */
  // `_startsAlone` exists only for tsc: see StartsAlone.
  delay(..._startsAlone: StartsAlone<Input>): Promise<GroupResult<Results>> {
    return runnerOf(this.runner, 'Group.delay()').run(this as unknown as CanvasNode) as Promise<GroupResult<Results>>;
  }
}
