import type { AsyncResult, CanvasNode, CanvasRunner, GroupResult } from '@tasks/core';
import type { TasksRuntime } from './tasks.runtime';

/**
 * Publishes the canvases a `TaskClient` builds through the app's executor, looked up
 * when `delay()` is called: signatures can be made before the module has started.
 */
export class TaskCanvasRunner implements CanvasRunner {
  constructor(private readonly runtime: TasksRuntime) {}

  run(node: CanvasNode): Promise<AsyncResult | GroupResult<readonly unknown[]>> {
    return this.runtime.executor(`${node.kind[0]!.toUpperCase()}${node.kind.slice(1)}.delay()`).canvas.run(node);
  }
}
