import { TaskEvents, WORKER_HEARTBEAT, type BullmqConnectionOptions } from '@tasks/bullmq';
import { readUntil } from '../../../bullmq/test/support/heard';

/**
 * Resolves once `worker` heartbeats with `active` tasks running. The worker writes its
 * entry in the workers' list before it sends the event, so the list says so from then on.
 */
export async function heartbeatWithActive(options: BullmqConnectionOptions, worker: string, active: number): Promise<void> {
  const events = await TaskEvents.open(options);
  try {
    await readUntil(events, (event) => event.signal === WORKER_HEARTBEAT && event.sender === worker && event.payload.active === active);
  } finally {
    await events.close();
  }
}
