import { TaskState } from '../tasks/task-state';
import type { JsonValue } from '../serialization/json-value';

/** What the eager executor knows of one task, updated in place as it goes: `result` once SUCCESS, `error` and `name` once FAILURE. */
export interface EagerRecord {
  readonly taskId: string;
  state: TaskState;
  result?: JsonValue;
  error?: Error;
  name?: string;
  /** Still kept: `false` once dropped past the limit, or by `clear()`. */
  kept: boolean;
}

/**
 * The latest `limit` records, the oldest dropped first, in a ring. Looking one up
 * by id needs an index (a `Map`), which costs every call a hash insertion and
 * deletion, so it is built only once something looks an id up (a canvas, `result(id)`,
 * a caller's own task id), and kept up to date from then on. A call that only reads
 * the record it made (`delay()` then `get()`) never needs it.
 */
export class KeptRecords {
  private ring: EagerRecord[] = [];
  /** Where the oldest record is, once the ring is full. */
  private oldest = 0;
  private index: Map<string, EagerRecord> | undefined;
  /** How many records are kept (`Infinity`: all). */
  readonly limit: number;

  /** @param limit how many records are kept; below 1 none, `Infinity` (or NaN) all. */
  constructor(limit: number) {
    this.limit = Number.isNaN(limit) ? Number.POSITIVE_INFINITY : Math.max(0, Math.floor(limit));
  }

  /** Records a new task as pending (its id must not be kept already), dropping the oldest past the limit. */
  add(taskId: string): EagerRecord {
    const record: EagerRecord = { taskId, state: TaskState.PENDING, result: undefined, error: undefined, name: undefined, kept: true };
    if (this.ring.length < this.limit) {
      this.ring.push(record);
    } else if (this.limit === 0) {
      record.kept = false;
      return record;
    } else {
      this.drop(this.ring[this.oldest]!);
      this.ring[this.oldest] = record;
      if (++this.oldest === this.limit) this.oldest = 0;
    }
    this.index?.set(taskId, record);
    return record;
  }

  get(taskId: string): EagerRecord | undefined {
    return this.indexed().get(taskId);
  }

  has(taskId: string): boolean {
    return this.indexed().has(taskId);
  }

  /** Drops every record. */
  clear(): void {
    for (const record of this.ring) record.kept = false;
    this.ring = [];
    this.oldest = 0;
    this.index = undefined;
  }

  private drop(record: EagerRecord): void {
    record.kept = false;
    this.index?.delete(record.taskId);
  }

  private indexed(): Map<string, EagerRecord> {
    if (this.index) return this.index;
    const index = new Map<string, EagerRecord>();
    // Oldest first, as a Map filled call by call would hold them.
    for (let i = 0; i < this.ring.length; i++) {
      const record = this.ring[(this.oldest + i) % this.ring.length]!;
      index.set(record.taskId, record);
    }
    this.index = index;
    return index;
  }
}
