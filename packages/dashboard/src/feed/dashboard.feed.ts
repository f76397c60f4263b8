import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { TaskEvents } from '@tasks/bullmq';
import { TasksControl } from '@tasks/nestjs';
import { DASHBOARD_OPTIONS } from '../dashboard.constants';
import type { ResolvedDashboardOptions } from '../dashboard.options';
import { TaskBoard } from './task-board';

/**
 * Feeds the {@link TaskBoard} from the event stream. It starts listening the first
 * time the dashboard is used (from what the stream still holds), so an app whose
 * dashboard nobody opened makes no process publish events; it listens until the app stops.
 */
@Injectable()
export class DashboardFeed implements OnApplicationShutdown {
  readonly board: TaskBoard;
  private opening: Promise<void> | undefined;
  private events: TaskEvents | undefined;
  private pumping: Promise<void> | undefined;
  private closed = false;
  private readonly logger = new Logger('TasksDashboard');

  constructor(
    private readonly control: TasksControl,
    @Inject(DASHBOARD_OPTIONS) options: ResolvedDashboardOptions,
  ) {
    this.board = new TaskBoard(options.maxTasks);
  }

  /** Resolves once the stream is read (at once after the first call). */
  start(): Promise<void> {
    this.opening ??= this.open().catch((error: unknown) => {
      this.opening = undefined;
      throw error;
    });
    return this.opening;
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    await this.opening?.catch(() => undefined);
    await this.events?.close();
    await this.pumping;
  }

  private async open(): Promise<void> {
    const events = await this.control.events({ from: 'start' });
    if (this.closed) {
      await events.close();
      return;
    }
    this.events = events;
    this.pumping = (async () => {
      try {
        for await (const event of events) this.board.apply(event);
      } catch (error) {
        this.logger.error(`Reading task events failed: ${(error as Error).message}`);
      }
    })();
  }
}
