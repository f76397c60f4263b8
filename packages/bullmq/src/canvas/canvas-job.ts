import type { JsonValue } from '@tasks/core';
import { planTasks, type PlannedNode, type PlannedTask } from '@tasks/core/internal';
import type { TaskJobData } from '../message/task-message.codec';
import type { ResultRetention } from '../options';

/** A task of a canvas as a worker needs to find it: id, queue and name. */
export interface StepRef {
  id: string;
  queue: string;
  name: string;
}

/** What a canvas job carries besides its call: what to do when it ends. */
export interface CanvasJobInfo {
  /** Published with this task's result first once it succeeds (the rest of a chain, or a chord). */
  next?: PlannedNode;
  /** Published with the result once this task succeeds. */
  link?: PlannedTask[];
  /** Published with `(taskId, error)` once this task fails for good. */
  linkError?: PlannedTask[];
  /**
   * Tasks that will never run if this one fails for good; they read `FAILURE` with its error.
   * Left out when they are the tasks of `next` (see {@link doomedOf}), so a chain step does not
   * carry the rest of its chain twice.
   */
  doomed?: StepRef[];
  /** This task is a chord member (or a step of one): its failure reaches the doomed tasks as a `ChordError`. */
  chordMember?: true;
  /** This job's children are flow children whose results come first in its arguments. */
  join?: Join;
  /** How long the tasks this job publishes keep their results. */
  retention?: Required<ResultRetention>;
}

/**
 * The flow children a job joins, in the order their results are given: their ids, and
 * their queue (one for all, or one each). Jobs written before this form carry `members`.
 */
export type Join = ({ ids: string[]; queues: string | string[] } | { members: Array<{ id: string; queue: string }> }) & { single: boolean };

/** A join of `members`, in their order. */
export function joinOf(members: readonly StepRef[], single: boolean): Join {
  const queue = members[0]!.queue;
  const shared = members.every((member) => member.queue === queue);
  return { ids: members.map((member) => member.id), queues: shared ? queue : members.map((member) => member.queue), single };
}

/** The id and queue of each member of `join`, in its order. */
export function joinedMembers(join: Join): Array<{ id: string; queue: string }> {
  if ('members' in join) return join.members;
  const { ids, queues } = join;
  return ids.map((id, i) => ({ id, queue: typeof queues === 'string' ? queues : queues[i]! }));
}

/** The data of a canvas job: the task message and its {@link CanvasJobInfo}. */
export type CanvasJobData = TaskJobData & { canvas?: CanvasJobInfo };

/** The canvas part of a job's data, if it has one. */
export function canvasOf(data: TaskJobData): CanvasJobInfo | undefined {
  return (data as CanvasJobData).canvas;
}

/** Whether the worker publishes something once this task succeeds (`next`, `link`). */
export function actsOnSuccess(canvas: CanvasJobInfo): boolean {
  return canvas.next !== undefined || canvas.link !== undefined;
}

/** Whether the worker dooms or publishes something once this task fails for good (`next`'s tasks, `doomed`, `linkError`). */
export function actsOnFailure(canvas: CanvasJobInfo): boolean {
  return canvas.next !== undefined || (canvas.doomed?.length ?? 0) > 0 || canvas.linkError !== undefined;
}

/** The tasks that will never run if this task fails for good: `doomed`, else the tasks of `next`. */
export function doomedOf(canvas: CanvasJobInfo): StepRef[] {
  return canvas.doomed ?? (canvas.next ? planTasks(canvas.next).map(stepRef) : []);
}

export function stepRef(task: PlannedTask): StepRef {
  return { id: task.id, queue: task.options.queue, name: task.name };
}

/** The error record a `linkError` task gets, and a step record keeps. */
export interface ErrorRecord {
  [key: string]: JsonValue;
  name: string;
  message: string;
}

export function errorRecord(error: Error): ErrorRecord {
  return error.stack === undefined ? { name: error.name, message: error.message } : { name: error.name, message: error.message, stack: error.stack };
}
