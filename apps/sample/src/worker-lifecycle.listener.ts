import { Injectable, Logger } from '@nestjs/common';
import { OnSignal, type SignalEvent } from '@tasks/core';

/** Says when a worker of this process drains and stops (`app.close()`, or SIGTERM with shutdown hooks). */
@Injectable()
export class WorkerLifecycleListener {
  private readonly logger = new Logger('Worker');

  @OnSignal('worker_shutting_down')
  draining({ sender, processSignal }: SignalEvent<'worker_shutting_down'>): void {
    this.logger.log(`${sender} draining (${processSignal ?? 'close'}): finishing the tasks it runs`);
  }

  @OnSignal('worker_shutdown')
  stopped({ sender, how }: SignalEvent<'worker_shutdown'>): void {
    this.logger.log(`${sender} stopped (${how} shutdown)`);
  }
}
