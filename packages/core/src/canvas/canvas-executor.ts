import type { TaskExecutor } from '../tasks/async-result';
import type { Canvas } from './canvas';
import type { CanvasPlan } from './canvas-plan';

/** An executor that runs canvases too: the BullMQ executor and the eager one. */
export interface CanvasExecutor extends TaskExecutor {
  /** Builds chains, groups, chords and signatures published through this executor. */
  readonly canvas: Canvas;
  /** Publishes a checked plan (what `delay()` on a canvas does after planning it). */
  publishCanvas(plan: CanvasPlan): Promise<void>;
}
