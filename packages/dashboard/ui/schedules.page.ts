import type { ScheduleRow } from '../src/api-types';
import { get, READ_ONLY } from './api';
import { h, replace } from './dom';
import { actionButton, throttle, type Page } from './page';

/** Periodic tasks with their next and last run; "run now" unless read-only. */
export class SchedulesPage implements Page {
  readonly title = 'Schedules';
  private readonly body = h('tbody');
  private readonly refresh = throttle(5000, () => void this.load());

  async render(main: HTMLElement): Promise<void> {
    replace(
      main,
      h('h2', {}, 'Schedules'),
      h('table', { id: 'schedules-table' },
        h('thead', {}, h('tr', {}, ...['Id', 'Task', 'When', 'Queue', 'Args', 'Next run', 'Last run', 'Source', ''].map((c) => h('th', { scope: 'col' }, c)))),
        this.body,
      ),
    );
    await this.load();
  }

  on(name: string): void {
    if (name === 'task') this.refresh();
  }

  private async load(): Promise<void> {
    const schedules = await get<ScheduleRow[]>('schedules');
    const at = (ms: number | null) => (ms === null ? '' : new Date(ms).toLocaleString(undefined, { hour12: false }));
    replace(this.body, ...(schedules.length === 0 ? [h('tr', {}, h('td', { colspan: 9 }, 'No periodic task.'))] : schedules.map((s) =>
      h('tr', {},
        h('td', { class: 'value' }, s.id),
        h('td', {}, s.task),
        h('td', {}, s.when),
        h('td', {}, s.queue),
        h('td', { class: 'value' }, s.args.text + (s.args.truncated ? '…' : '')),
        h('td', {}, at(s.nextRunAt)),
        h('td', {}, at(s.lastRunAt)),
        h('td', {}, s.source),
        h('td', {}, READ_ONLY ? null : actionButton(`Run now`, `schedules/${encodeURIComponent(s.id)}/run`, { then: (taskId) => taskId && (location.hash = `#/task/${encodeURIComponent(taskId)}`) })),
      ))));
  }
}
