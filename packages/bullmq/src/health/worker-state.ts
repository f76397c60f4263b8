import { workerInit, workerReady, workerShutdown, workerShuttingDown } from '@tasks/core';

/**
 * Where a worker is in its life: `starting` until it takes jobs (`worker_ready`),
 * `running`, `draining` from `worker_shutting_down`, `closed` at `worker_shutdown`.
 */
export type WorkerState = 'starting' | 'running' | 'draining' | 'closed';

/**
 * Follows the state of the worker named `name` through its worker signals, so
 * that nothing in the worker itself has to report it. Call `dispose()` when done.
 */
export function followWorkerState(name: string): { readonly state: () => WorkerState; readonly dispose: () => void } {
  let state: WorkerState = 'starting';
  const set = (next: WorkerState) => () => {
    state = next;
  };
  const offs = [
    workerInit.connect(set('starting'), { sender: name }),
    workerReady.connect(set('running'), { sender: name }),
    workerShuttingDown.connect(set('draining'), { sender: name }),
    workerShutdown.connect(set('closed'), { sender: name }),
  ];
  return { state: () => state, dispose: () => offs.forEach((off) => off()) };
}
