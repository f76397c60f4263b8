import { InvalidTaskMessageError, PayloadTooLargeError, type JsonValue, type TaskHeaders } from '@tasks/core';
import type { PreparedPublish } from '@tasks/core/internal';
import { OVERSIZED, UNDECODABLE } from './protocol';

/** Version of the job data layout, so that a future layout can be told apart. */
const MESSAGE_VERSION = 1;

/** What a task's BullMQ job holds in `data`; the task name is the job's name. */
export interface TaskJobData {
  v: typeof MESSAGE_VERSION;
  args: JsonValue[];
  headers: TaskHeaders;
  publishedAt: number;
  expiresAt?: number;
  timeLimitMs?: number;
  /** Set while a job waits for its rate-limit slot: the attempt for which `task_received` already fired. */
  receivedAttempt?: number;
}

export function encodeTaskMessage(call: PreparedPublish): TaskJobData {
  const data: TaskJobData = { v: MESSAGE_VERSION, args: [...call.args], headers: call.headers, publishedAt: call.publishedAt };
  if (call.expiresAt !== undefined) data.expiresAt = call.expiresAt;
  if (call.timeLimitMs !== undefined) data.timeLimitMs = call.timeLimitMs;
  return data;
}

/**
 * Checks a job's data; throws {@link InvalidTaskMessageError} saying what is wrong,
 * or {@link PayloadTooLargeError} for data the worker would not even decode.
 */
export function decodeTaskMessage(data: unknown, taskName: string, maxPayloadBytes: number): TaskJobData {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new InvalidTaskMessageError(`job data must be an object, got ${data === null ? 'null' : Array.isArray(data) ? 'an array' : typeof data}`);
  }
  if (OVERSIZED in data) throw new PayloadTooLargeError(taskName, Number((data as Record<string, unknown>)[OVERSIZED]), maxPayloadBytes);
  if (UNDECODABLE in data) {
    throw new InvalidTaskMessageError(`job data is not JSON (${String((data as { reason?: unknown }).reason)})`);
  }
  const message = data as Partial<Record<keyof TaskJobData, unknown>>;
  if (message.v !== MESSAGE_VERSION) throw new InvalidTaskMessageError(`unsupported message version ${JSON.stringify(message.v)} (expected ${MESSAGE_VERSION})`);
  if (!Array.isArray(message.args)) throw new InvalidTaskMessageError('"args" must be an array');
  if (typeof message.headers !== 'object' || message.headers === null || Array.isArray(message.headers)) {
    throw new InvalidTaskMessageError('"headers" must be an object');
  }
  if (typeof message.publishedAt !== 'number') throw new InvalidTaskMessageError('"publishedAt" must be a number');
  if (message.expiresAt !== undefined && typeof message.expiresAt !== 'number') throw new InvalidTaskMessageError('"expiresAt" must be a number');
  if (message.timeLimitMs !== undefined && typeof message.timeLimitMs !== 'number') throw new InvalidTaskMessageError('"timeLimitMs" must be a number');
  if (message.receivedAttempt !== undefined && typeof message.receivedAttempt !== 'number') throw new InvalidTaskMessageError('"receivedAttempt" must be a number');
  return message as TaskJobData;
}
