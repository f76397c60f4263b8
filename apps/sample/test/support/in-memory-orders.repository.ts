import type { Order, TimelineEntry } from '../../src/order.model';
import type { OrderChanges, OrdersRepository, SalesSummary } from '../../src/orders.repository';

/** OrdersRepository without Redis, for tests that run tasks eagerly. */
export class InMemoryOrdersRepository implements Pick<OrdersRepository, keyof OrdersRepository> {
  private readonly orders = new Map<string, Order>();
  private readonly timelines = new Map<string, TimelineEntry[]>();
  private readonly openTasks = new Map<string, number>();

  async create(order: Order): Promise<void> {
    this.orders.set(order.id, { ...order });
  }

  async find(id: string): Promise<Order | undefined> {
    const order = this.orders.get(id);
    return order && { ...order };
  }

  async update(id: string, changes: OrderChanges): Promise<void> {
    const order = this.orders.get(id);
    if (order) Object.assign(order, changes);
  }

  async appendToTimeline(orderId: string, entry: TimelineEntry): Promise<void> {
    this.timelines.set(orderId, [...(this.timelines.get(orderId) ?? []), entry]);
  }

  async timeline(orderId: string): Promise<TimelineEntry[]> {
    return [...(this.timelines.get(orderId) ?? [])];
  }

  async salesSummary(): Promise<SalesSummary> {
    const summary: SalesSummary = { placed: 0, paid: 0, payment_failed: 0, fulfilled: 0, paidTotal: 0 };
    for (const order of this.orders.values()) {
      summary[order.status] += 1;
      if (order.status === 'paid' || order.status === 'fulfilled') summary.paidTotal += order.total;
    }
    return summary;
  }

  async addOpenTasks(orderId: string, count: number): Promise<number> {
    const open = (this.openTasks.get(orderId) ?? 0) + count;
    this.openTasks.set(orderId, open);
    return open;
  }

  async onApplicationShutdown(): Promise<void> {}
}
