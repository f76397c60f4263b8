import { UnrecoverableError } from 'bullmq';

/** BullMQ's own "never retry" error, thrown by a task body: its failure is final, whatever `autoretryFor` says. */
export function isBullmqUnrecoverable(error: Error): boolean {
  return error instanceof UnrecoverableError || error.name === 'UnrecoverableError';
}
