import { TasksError } from './tasks.error';

/**
 * `cluster: { shardByQueue: true }` can not be honoured: the prefix already holds a
 * `{…}` hash tag (which would put every queue in one slot again), or a call needs
 * keys of several queues in one command, which a cluster refuses across slots.
 * Thrown when the executor or worker is created, or by the call, before anything is written.
 *
 * @example
 * // message: "Redis Cluster sharding (cluster.shardByQueue): the prefix '{orders}' holds a hash tag; ..."
 */
export class ClusterShardingError extends TasksError {
  /** What is wrong and how to fix it. */
  readonly reason: string;

  constructor(reason: string) {
    super(`Redis Cluster sharding (cluster.shardByQueue): ${reason}`);
    this.reason = reason;
  }
}
