import type { StreamMessages, TaskDetail, TaskSummary, TimelineEntry } from '../src/api-types';
import { get, READ_ONLY } from './api';
import { duration, h, replace, time } from './dom';
import { actionButton, type Page } from './page';

/** One task: its fields, its values whole, actions, and its signal timeline across processes. */
export class TaskPage implements Page {
  readonly title: string;
  private task: TaskDetail | undefined;
  private readonly fields = h('dl', { class: 'fields' });
  private readonly values = h('div');
  private readonly actions = h('div', { class: 'actions', role: 'group', 'aria-label': 'Actions' });
  private readonly timeline = h('tbody');

  constructor(private readonly id: string) {
    this.title = `Task ${id}`;
  }

  /** Timeline entries that arrived before the task was loaded. */
  private early: TimelineEntry[] = [];

  async render(main: HTMLElement): Promise<void> {
    try {
      this.task = await get<TaskDetail>(`tasks/${encodeURIComponent(this.id)}`);
      for (const entry of this.early.splice(0)) this.addEntry(entry);
    } catch (error) {
      this.task = undefined;
      replace(this.values, h('p', { role: 'status' }, `Not seen yet (${(error as Error).message}); it shows as soon as one of its events arrives.`));
    }
    replace(
      main,
      h('h2', {}, 'Task ', h('code', {}, this.id)),
      this.fields,
      this.actions,
      this.values,
      h('h3', {}, 'Signal timeline'),
      h('table', { id: 'timeline-table' },
        h('caption', { class: 'muted' }, 'Every signal of the task, in time order, with the process that sent it'),
        h('thead', {}, h('tr', {}, ...['#', '+ms', 'process', 'signal', 'Celery event', 'detail'].map((c) => h('th', { scope: 'col' }, c)))),
        this.timeline,
      ),
    );
    this.draw();
  }

  on<Name extends keyof StreamMessages>(name: Name, message: StreamMessages[Name]): void {
    if (name === 'task' && (message as TaskSummary).id === this.id) {
      // Lists carry cut values; read the whole task again.
      void get<TaskDetail>(`tasks/${encodeURIComponent(this.id)}`).then((task) => {
        const shown = this.task?.timeline ?? [];
        this.task = task;
        for (const entry of [...shown, ...this.early.splice(0)]) this.addEntry(entry);
        this.draw();
      });
    } else if (name === 'timeline' && (message as StreamMessages['timeline']).taskId === this.id) {
      const entry = (message as StreamMessages['timeline']).entry;
      if (!this.task) this.early.push(entry);
      else if (this.addEntry(entry)) this.drawTimeline();
    }
  }

  /** Adds an entry not seen yet, in time order; says whether it was new. */
  private addEntry(entry: TimelineEntry): boolean {
    const timeline = this.task!.timeline;
    if (timeline.some((e) => e.eventId === entry.eventId)) return false;
    timeline.push(entry);
    timeline.sort((a, b) => a.timestamp - b.timestamp);
    return true;
  }

  private draw(): void {
    const task = this.task;
    if (!task) return;
    const field = (label: string, value: string | number) => [h('dt', {}, label), h('dd', {}, String(value))];
    replace(
      this.fields,
      ...field('Name', task.name),
      h('dt', {}, 'State'), h('dd', { class: `state state-${task.state}`, id: 'task-state' }, task.state),
      ...field('Queue', task.queue ?? ''),
      ...field('Worker', task.worker ?? ''),
      ...field('Retries', task.retries),
      ...field('Runtime', duration(task.runtimeMs)),
      ...field('Sent', time(task.sentAt)),
      ...field('Received', time(task.receivedAt)),
      ...field('Started', time(task.startedAt)),
      ...field('Finished', time(task.finishedAt)),
    );
    const value = (label: string, id: string, text: string | undefined) => (text === undefined ? null : h('section', {}, h('h3', {}, label), h('pre', { id }, text)));
    replace(this.values, value('Arguments', 'task-args', task.args?.text), value('Result', 'task-result', task.result?.text), value('Error', 'task-error', task.error?.text));
    const reload = () => void this.render(document.getElementById('main')!);
    const open = (taskId?: string) => (taskId ? (location.hash = `#/task/${encodeURIComponent(taskId)}`) : reload());
    const path = `tasks/${encodeURIComponent(task.id)}`;
    replace(
      this.actions,
      READ_ONLY ? null : !['SUCCESS', 'FAILURE', 'REVOKED', 'REJECTED'].includes(task.state) && actionButton('Revoke', `${path}/revoke`, { danger: true }),
      READ_ONLY ? null : task.state === 'STARTED' && actionButton('Terminate', `${path}/terminate`, { danger: true }),
      READ_ONLY ? null : (task.state === 'FAILURE' || task.state === 'REVOKED') && actionButton('Retry', `${path}/retry`, { then: open }),
    );
    this.drawTimeline();
  }

  private drawTimeline(): void {
    const entries = this.task?.timeline ?? [];
    const start = entries[0]?.timestamp ?? 0;
    replace(this.timeline, ...entries.map((e: TimelineEntry, i) =>
      h('tr', {},
        h('td', { class: 'num' }, i + 1),
        h('td', { class: 'num' }, e.timestamp - start),
        h('td', { title: `pid ${e.pid} on ${e.hostname}` }, e.process),
        h('td', {}, e.signal),
        h('td', {}, e.type ?? ''),
        h('td', { class: 'value' }, e.detail),
      )));
  }
}
