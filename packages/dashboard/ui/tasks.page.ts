import type { ShownValue, StreamMessages, TaskList, TaskSummary } from '../src/api-types';
import { get } from './api';
import { duration, h, replace, time } from './dom';
import type { Page } from './page';

const STATES = ['PENDING', 'RECEIVED', 'STARTED', 'RETRY', 'SUCCESS', 'FAILURE', 'REVOKED', 'REJECTED'];
const LIMIT = 100;

/** A value cut in the list, with a link to the task where it is shown whole. */
export function valueCell(value: ShownValue | null, taskId: string, what: string): HTMLElement {
  const cell = h('td', { class: 'value' });
  if (value === null) return cell;
  cell.append(value.text);
  if (value.truncated) cell.append('… ', h('a', { href: `#/task/${encodeURIComponent(taskId)}`, 'aria-label': `show all of the ${what} of task ${taskId}`, 'data-focus': `${what} ${taskId}` }, 'show all'));
  return cell;
}

/** The task list, with filters by state, name and queue and a search by id; rows change as events arrive. */
export class TasksPage implements Page {
  readonly title = 'Tasks';
  private tasks = new Map<string, TaskSummary>();
  private names: string[] = [];
  private queues: string[] = [];
  private body = h('tbody');
  private count = h('p', { class: 'muted', 'aria-live': 'polite' });
  private filters = { state: '', name: '', queue: '', search: '' };
  private pending = false;

  constructor(query: URLSearchParams) {
    for (const key of Object.keys(this.filters) as Array<keyof typeof this.filters>) this.filters[key] = query.get(key) ?? '';
  }

  async render(main: HTMLElement): Promise<void> {
    const list = await get<TaskList>(`tasks?${new URLSearchParams({ ...this.filters, limit: String(LIMIT) })}`);
    // Updates that arrived while the list loaded may be newer than what it says.
    const arrived = this.tasks;
    this.tasks = new Map(list.tasks.map((t) => [t.id, t]));
    for (const task of arrived.values()) {
      const listed = this.tasks.get(task.id);
      if (!listed || listed.updatedAt <= task.updatedAt) this.tasks.set(task.id, task);
    }
    this.names = list.names;
    this.queues = list.queues;
    replace(
      main,
      h('h2', {}, 'Tasks'),
      this.form(),
      this.count,
      h('table', { id: 'tasks-table' },
        h('caption', { class: 'muted' }, 'Most recently changed first'),
        h('thead', {}, h('tr', {}, ...['ID', 'Name', 'State', 'Args', 'Result or error', 'Retries', 'Runtime', 'Worker', 'Received', 'Started'].map((c) => h('th', { scope: 'col' }, c)))),
        this.body,
      ),
    );
    this.draw();
  }

  on<Name extends keyof StreamMessages>(name: Name, message: StreamMessages[Name]): void {
    if (name !== 'task') return;
    const task = message as TaskSummary;
    // Names and queues seen for the first time join the filters.
    this.offer('name', this.names, task.name);
    if (task.queue !== null) this.offer('queue', this.queues, task.queue);
    if (!this.matches(task)) {
      if (this.tasks.delete(task.id)) this.schedule();
      return;
    }
    this.tasks.set(task.id, task);
    this.schedule();
  }

  private form(): HTMLElement {
    const select = (key: 'state' | 'name' | 'queue', label: string, options: string[]) =>
      h('label', {}, label, h('select', { name: key, id: `filter-${key}` }, h('option', { value: '' }, 'all'), ...options.map((o) => h('option', { value: o, selected: o === this.filters[key] }, o))));
    const form = h('form', { class: 'filters', role: 'search', 'aria-label': 'Filter tasks' },
      select('state', 'State', STATES),
      select('name', 'Name', this.names),
      select('queue', 'Queue', this.queues),
      h('label', {}, 'Task id', h('input', { type: 'search', name: 'search', id: 'filter-search', value: this.filters.search, placeholder: 'id or part of it', autocomplete: 'off' })),
      h('button', { type: 'submit' }, 'Apply'),
    );
    const apply = (event: Event) => {
      event.preventDefault();
      const data = new FormData(form);
      const query = new URLSearchParams();
      for (const key of Object.keys(this.filters)) {
        const value = String(data.get(key) ?? '');
        if (value !== '') query.set(key, value);
      }
      location.hash = `#/tasks${query.size ? `?${query}` : ''}`;
    };
    form.addEventListener('submit', apply);
    form.addEventListener('change', (event) => {
      if ((event.target as HTMLElement).tagName === 'SELECT') apply(event);
    });
    return form;
  }

  private offer(key: 'name' | 'queue', known: string[], value: string): void {
    if (value === '' || known.includes(value)) return;
    known.push(value);
    known.sort();
    const select = document.getElementById(`filter-${key}`);
    const option = h('option', { value }, value);
    const after = [...(select?.querySelectorAll('option') ?? [])].find((o) => o.value !== '' && o.value > value);
    if (after) after.before(option);
    else select?.append(option);
  }

  private matches(task: TaskSummary): boolean {
    const f = this.filters;
    return (!f.state || task.state === f.state) && (!f.name || task.name === f.name) && (!f.queue || task.queue === f.queue) && (!f.search || task.id.toLowerCase().includes(f.search.toLowerCase()));
  }

  private schedule(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.draw();
    });
  }

  private draw(): void {
    const rows = [...this.tasks.values()].sort((a, b) => b.updatedAt - a.updatedAt).slice(0, LIMIT);
    this.count.textContent = `${rows.length} task(s) shown`;
    replace(
      this.body,
      ...rows.map((t) =>
        h('tr', { 'data-task-id': t.id },
          h('td', {}, h('a', { href: `#/task/${encodeURIComponent(t.id)}`, class: 'value', 'data-focus': `task ${t.id}` }, t.id)),
          h('td', {}, t.name),
          h('td', { class: `state state-${t.state}` }, t.state),
          valueCell(t.args, t.id, 'arguments'),
          t.error !== null && t.state !== 'SUCCESS' ? valueCell(t.error, t.id, 'error') : valueCell(t.result, t.id, 'result'),
          h('td', { class: 'num' }, t.retries),
          h('td', { class: 'num' }, duration(t.runtimeMs)),
          h('td', {}, t.worker ?? ''),
          h('td', {}, time(t.receivedAt)),
          h('td', {}, time(t.startedAt)),
        ),
      ),
    );
  }
}
