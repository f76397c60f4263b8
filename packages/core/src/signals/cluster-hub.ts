/** What this process wants to hear from other processes: one signal, from one sender or from all. */
export interface ClusterInterest {
  readonly signal: string;
  /** Only sends from this sender; absent: every sender. */
  readonly sender?: string;
}

type InterestListener = () => void;

/** Who wants to know when this process's cluster interests change (the Redis bridge of each prefix). */
const listeners = new Set<InterestListener>();

/**
 * @internal For the Redis bridge: calls `listener` whenever a receiver that hears
 * other processes is connected or disconnected. Returns the function that stops it.
 */
export function onClusterInterestChange(listener: InterestListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** @internal Called by signals when their cluster receivers change. */
export function notifyClusterInterestChange(): void {
  for (const listener of listeners) listener();
}
