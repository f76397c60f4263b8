import type { StreamMessages, WorkerRow } from '../src/api-types';
import { get } from './api';
import { bytes, duration, h, replace } from './dom';
import { throttle, type Page } from './page';

/** Workers from their heartbeats and their `stats`; read again when one of them sends an event. */
export class WorkersPage implements Page {
  readonly title = 'Workers';
  private readonly body = h('tbody');
  private readonly refresh = throttle(2000, () => void this.load());

  async render(main: HTMLElement): Promise<void> {
    replace(
      main,
      h('h2', {}, 'Workers'),
      h('table', { id: 'workers-table' },
        h('thead', {}, h('tr', {}, ...['Worker', 'Online', 'Heartbeat', 'Queues', 'Concurrency', 'Active', 'Processed', 'Failed', 'Memory (RSS)', 'Heap used'].map((c) => h('th', { scope: 'col' }, c)))),
        this.body,
      ),
    );
    await this.load();
  }

  on<Name extends keyof StreamMessages>(name: Name): void {
    if (name === 'worker') this.refresh();
  }

  private async load(): Promise<void> {
    const workers = await get<WorkerRow[]>('workers');
    replace(this.body, ...(workers.length === 0 ? [h('tr', {}, h('td', { colspan: 10 }, 'No worker has sent a heartbeat.'))] : workers.map((w) =>
      h('tr', {},
        h('td', { title: `pid ${w.pid} on ${w.hostname}` }, w.name),
        h('td', { class: w.online ? 'state state-SUCCESS' : 'state state-FAILURE' }, w.online ? 'online' : 'offline'),
        h('td', { class: 'num' }, `${duration(w.heartbeatAgeMs)} ago`),
        h('td', {}, w.queues.join(', ')),
        h('td', { class: 'num' }, w.concurrency),
        h('td', { class: 'num' }, w.active),
        h('td', { class: 'num' }, w.processed),
        h('td', { class: 'num' }, w.failed ?? ''),
        h('td', { class: 'num' }, bytes(w.memoryRssBytes)),
        h('td', { class: 'num' }, bytes(w.heapUsedBytes)),
      ))));
  }
}
