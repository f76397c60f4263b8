import type { AsyncResult } from '../tasks/async-result';
import type { PublishOptions } from '../tasks/task-message';
import type { Chain } from './chain';
import type { Chord } from './chord';
import type { Group } from './group';
import type { GroupResult } from './group-result';
import type { Signature } from './signature';

/** Any part of a canvas: a signature, a chain, a group or a chord. */
export type CanvasNode = Signature<never, unknown> | Chain<never, unknown> | Group<never, readonly unknown[]> | Chord<never, unknown>;

/** Publishes a canvas node; what `delay()` on a node calls. Implemented by {@link Canvas}. */
export interface CanvasRunner {
  run(node: CanvasNode, options?: PublishOptions): Promise<AsyncResult | GroupResult<readonly unknown[]>>;
}

/** The runner of a node, or a clear error for a node made without one. */
export function runnerOf(runner: CanvasRunner | undefined, call: string): CanvasRunner {
  if (runner) return runner;
  throw new Error(`${call}: this canvas was not made by a TaskClient or an executor; build it with tasks.chain(), tasks.group(), tasks.chord() or tasks.signature().`);
}
