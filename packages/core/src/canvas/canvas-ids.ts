import type { TaskRequest } from '../tasks/task-message';

/** Copies the canvas ids from a request's headers onto it, as `task_received` shows them. */
export function readCanvasIds(request: TaskRequest): TaskRequest {
  const { rootId, parentId, groupId } = request.headers;
  request.rootId = typeof rootId === 'string' ? rootId : request.id;
  if (typeof parentId === 'string') request.parentId = parentId;
  if (typeof groupId === 'string') request.groupId = groupId;
  return request;
}
