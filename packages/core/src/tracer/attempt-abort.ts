/**
 * How one attempt is aborted (time limit, or revoke with `terminate`): a flag and
 * callbacks, with a real `AbortSignal` made only when someone reads it, since on
 * Node 20 making one costs microseconds that most tasks never need.
 *
 * @example
 * const abort = new AttemptAbort();
 * const outcome = traceAttempt(task, request, { abort });
 * abort.abort(new TaskRevokedError(request.id, 'terminated'));
 */
export class AttemptAbort {
  private controller: AbortController | undefined;
  /** Made on the first `onAbort`: most attempts never need one. */
  private listeners: Set<() => void> | undefined;
  private abortReason: unknown;
  private isAborted = false;

  get aborted(): boolean {
    return this.isAborted;
  }

  /** Why it was aborted; `undefined` until it is. */
  get reason(): unknown {
    return this.abortReason;
  }

  /** The signal a task body sees as `TaskContext.current().abortSignal`. */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.isAborted) this.controller.abort(this.abortReason);
    }
    return this.controller.signal;
  }

  /** Aborts once; later calls change nothing. */
  abort(reason: unknown = new DOMException('The attempt was aborted.', 'AbortError')): void {
    if (this.isAborted) return;
    this.isAborted = true;
    this.abortReason = reason;
    this.controller?.abort(reason);
    const listeners = this.listeners;
    this.listeners = undefined;
    if (listeners) for (const listener of listeners) listener();
  }

  /** Calls `listener` when aborted (at once if already); returns the function that removes it. */
  onAbort(listener: () => void): () => void {
    if (this.isAborted) {
      listener();
      return () => undefined;
    }
    const listeners = (this.listeners ??= new Set());
    listeners.add(listener);
    return () => listeners.delete(listener);
  }
}
