import { Injectable } from '@nestjs/common';
import { Task } from '@tasks/core';
import { OrdersRepository, type SalesSummary } from './orders.repository';

@Injectable()
export class ReportTasks {
  constructor(private readonly orders: OrdersRepository) {}

  /**
   * A periodic task: every worker process carries the schedule, and each tick runs
   * once. A real report would run hourly (`cron: '0 * * * *'`); a short interval lets
   * the demo show a tick. A tick not started within 10 s is dropped as expired.
   */
  @Task({ name: 'reports.sales', queue: 'reports', schedule: { every: '2s', options: { expiresMs: 10_000 } } })
  async sales(): Promise<SalesSummary> {
    return this.orders.salesSummary();
  }

  /**
   * An export for a partner whose API takes one call a minute. `rateLimit` spaces the
   * starts across every worker: an export asked for sooner waits for its slot in BullMQ's
   * delayed set, not started (bull-board lists it as delayed).
   */
  @Task({ name: 'reports.export', queue: 'reports', rateLimit: '1/m' })
  async export(): Promise<SalesSummary> {
    return this.orders.salesSummary();
  }
}
