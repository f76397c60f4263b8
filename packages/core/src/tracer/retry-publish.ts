import { headersAfterPublishSignal } from '../publish/prepare-publish';
import { assertJson } from '../serialization/json-guard';
import { afterTaskPublish, beforeTaskPublish } from '../signals/builtins';
import type { PublishOptions, TaskHeaders, TaskRequest } from '../tasks/task-message';

/**
 * Fires the publish signals of a scheduled retry, as Celery's `retry()` publishes a
 * new message: `before_task_publish` (whose receivers may change the headers) then
 * `after_task_publish`, sender the task name. Resolves with the headers the next
 * attempt gets: the request's own object when no receiver changed them.
 */
export async function publishRetry(sender: string, request: TaskRequest, delayMs: number): Promise<TaskHeaders> {
  if (!beforeTaskPublish.hasListeners(sender) && !afterTaskPublish.hasListeners(sender)) return request.headers;
  const headers: TaskHeaders = { ...request.headers };
  const options: PublishOptions = { taskId: request.id, queue: request.queue, delayMs, headers };
  if (request.timeLimitMs !== undefined) options.timeLimitMs = request.timeLimitMs;
  const payload = { taskId: request.id, args: request.args, headers, options };
  await beforeTaskPublish.send(sender, payload);
  const sent = headersAfterPublishSignal(payload, headers);
  assertJson(sent, 'headers');
  await afterTaskPublish.send(sender, { taskId: request.id, args: request.args, headers: sent, queue: request.queue });
  return sameJson(sent, request.headers) ? request.headers : sent;
}

function sameJson(a: TaskHeaders, b: TaskHeaders): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
