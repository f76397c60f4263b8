import { SCHEDULE_ID_HEADER } from '@tasks/core';
import type { TaskJobData } from '../message/task-message.codec';
import type { ParsedSchedule } from './parsed-schedule';

/**
 * The data BullMQ copies into every tick's job: a task message whose headers name
 * the schedule. A tick's expiry is relative (`expiresInMs` from when it is due),
 * since one template serves every tick; the worker turns it into `expiresAt`.
 */
export interface TickTemplateData extends TaskJobData {
  expiresInMs?: number;
}

export function tickTemplate(schedule: ParsedSchedule, now: number): TickTemplateData {
  const data: TickTemplateData = { v: 1, args: [...schedule.args], headers: { [SCHEDULE_ID_HEADER]: schedule.id }, publishedAt: now };
  if (schedule.options.expiresMs !== undefined) data.expiresInMs = schedule.options.expiresMs;
  return data;
}
