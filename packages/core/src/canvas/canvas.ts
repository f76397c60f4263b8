import type { AsyncResult } from '../tasks/async-result';
import type { PublishOptions } from '../tasks/task-message';
import type { TaskRegistry } from '../tasks/task-registry';
import type { CanvasExecutor } from './canvas-executor';
import type { CanvasNode, CanvasRunner } from './canvas-node';
import { planCanvas, type CanvasLimits } from './canvas-plan';
import { canvasResult } from './canvas-results';
import type { ChainSteps, ChordCallback, GroupInput, GroupResults, InputOf, LastOf, ResultOf } from './canvas-types';
import { Chain } from './chain';
import { Chord } from './chord';
import { Group } from './group';
import type { GroupResult } from './group-result';
import { Signature } from './signature';

/** Default of {@link CanvasOptions.maxGroupSize}. */
export const DEFAULT_MAX_GROUP_SIZE = 10_000;

/** Limits of the canvases an executor publishes. */
export interface CanvasOptions {
  /** Most members in one group or chord header; more is refused at `delay()`. Default: 10,000. */
  maxGroupSize?: number;
  /**
   * Refuse, at `delay()`, a signature of a task this app does not register: for an app
   * that knows every task. Default: false (the eager executor always refuses them).
   */
  knownTasksOnly?: boolean;
}

/**
 * Builds Celery's canvas on an executor: signatures by name, chains, groups and
 * chords, each published by its `delay()`. `TaskClient` has the same methods; plain
 * Node code uses `executor.canvas`.
 *
 * @example
 * const { canvas } = await BullmqExecutor.connect();
 * const result = await canvas.chain(canvas.signature('orders.charge', ['o1']), canvas.signature('orders.fulfil')).delay();
 */
export class Canvas implements CanvasRunner {
  private readonly limits: CanvasLimits;

  /** @internal Made by an executor. */
  constructor(
    private readonly executor: CanvasExecutor,
    registry: TaskRegistry | undefined,
    options: CanvasOptions = {},
  ) {
    this.limits = { registry, maxGroupSize: options.maxGroupSize ?? DEFAULT_MAX_GROUP_SIZE, knownTasksOnly: options.knownTasksOnly ?? false };
  }

  /** A signature of a task by name, e.g. one that lives in another app; `Result` types its result. */
  signature<Result = unknown>(name: string, args: readonly unknown[] = [], options: PublishOptions = {}): Signature<unknown, Result> {
    return new Signature<unknown, Result>(name, args, options, false, this);
  }

  /** Steps run one after another, each getting the previous step's result first; see {@link Chain}. */
  chain<const Steps extends readonly [CanvasNode, ...CanvasNode[]]>(...steps: Steps & ChainSteps<Steps>): Chain<InputOf<Steps[0]>, ResultOf<LastOf<Steps>>> {
    return new Chain(steps, this);
  }

  /** Members run in parallel; see {@link Group}. */
  group<const Members extends readonly CanvasNode[]>(members: Members): Group<GroupInput<Members>, GroupResults<Members>> {
    return new Group(members, this);
  }

  /** A group whose results array goes to `callback` once all succeeded; see {@link Chord}. */
  chord<const Members extends readonly CanvasNode[], Callback extends CanvasNode>(
    header: Members,
    callback: Callback & ChordCallback<Members, Callback>,
  ): Chord<GroupInput<Members>, ResultOf<Callback>> {
    return new Chord(header, callback, this);
  }

  /** @internal Plans and publishes a node; what the nodes' `delay()` calls. */
  async run(node: CanvasNode): Promise<AsyncResult | GroupResult<readonly unknown[]>> {
    const plan = planCanvas(node, this.limits);
    await this.executor.publishCanvas(plan);
    return canvasResult(plan, this.executor);
  }
}
