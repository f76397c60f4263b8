import type { ChartData, ChartSeries, StreamMessages, TaskSummary } from '../src/api-types';
import { get } from './api';
import { duration, h, replace, svg } from './dom';
import { throttle, type Page } from './page';

const WIDTH = 600;
const HEIGHT = 180;
const PAD = { left: 48, right: 8, top: 10, bottom: 22 };

/** Throughput (finished tasks per bucket) and latency (mean runtime) per task name over the last minutes. */
export class ChartsPage implements Page {
  readonly title = 'Charts';
  private readonly area = h('div');
  private readonly refresh = throttle(2000, () => void this.load());

  async render(main: HTMLElement): Promise<void> {
    replace(main, h('h2', {}, 'Throughput and latency, last 5 minutes'), this.area);
    await this.load();
  }

  on<Name extends keyof StreamMessages>(name: Name, message: StreamMessages[Name]): void {
    if (name === 'task' && (message as TaskSummary).finishedAt !== null) this.refresh();
  }

  private async load(): Promise<void> {
    const data = await get<ChartData>('charts?minutes=5');
    const seconds = data.bucketMs / 1000;
    replace(
      this.area,
      legend(data.series),
      h('h3', { id: 'throughput-title' }, `Finished tasks per ${seconds} s`),
      chart(data, 'throughput-title', (b) => b.count, String),
      h('h3', { id: 'latency-title' }, 'Mean runtime'),
      chart(data, 'latency-title', (b) => b.meanMs, (v) => duration(v)),
      h('details', {}, h('summary', {}, 'The numbers'), table(data)),
    );
  }
}

type Bucket = ChartSeries['buckets'][number];

function legend(series: ChartSeries[]): HTMLElement {
  if (series.length === 0) return h('p', {}, 'No task finished in the last 5 minutes.');
  return h('ul', { class: 'legend' }, ...series.map((s, i) => h('li', {}, h('span', { class: `swatch c${i % 6}`, 'aria-hidden': 'true' }), s.name)));
}

function chart(data: ChartData, labelledBy: string, value: (bucket: Bucket) => number | null, label: (value: number) => string): SVGElement {
  const values = data.series.flatMap((s) => s.buckets.map(value)).filter((v): v is number => v !== null);
  const max = Math.max(1, ...values);
  const count = data.series[0]?.buckets.length ?? 30;
  const x = (i: number) => PAD.left + ((WIDTH - PAD.left - PAD.right) * i) / Math.max(1, count - 1);
  const y = (v: number) => HEIGHT - PAD.bottom - ((HEIGHT - PAD.top - PAD.bottom) * v) / max;
  const root = svg('svg', { class: 'chart', viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-labelledby': labelledBy });
  root.append(
    svg('line', { class: 'axis', x1: PAD.left, y1: HEIGHT - PAD.bottom, x2: WIDTH - PAD.right, y2: HEIGHT - PAD.bottom }),
    svg('line', { class: 'axis', x1: PAD.left, y1: PAD.top, x2: PAD.left, y2: HEIGHT - PAD.bottom }),
    svg('text', { x: 4, y: PAD.top + 10 }, label(max)),
    svg('text', { x: 4, y: HEIGHT - PAD.bottom }, '0'),
    svg('text', { x: PAD.left, y: HEIGHT - 6 }, '-5 min'),
    svg('text', { x: WIDTH - PAD.right - 24, y: HEIGHT - 6 }, 'now'),
  );
  data.series.forEach((s, i) => {
    const points = s.buckets.flatMap((b, index) => {
      const v = value(b);
      return v === null ? [] : [[x(index), y(v)] as const];
    });
    if (points.length > 1) root.append(svg('polyline', { class: `c${i % 6}`, points: points.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join(' ') }));
    // Dots too: a bucket alone between empty ones draws no line.
    for (const [px, py] of points) root.append(svg('circle', { class: `c${i % 6}`, cx: px.toFixed(1), cy: py.toFixed(1), r: 2.5 }));
  });
  return root;
}

function table(data: ChartData): HTMLElement {
  return h('table', {},
    h('thead', {}, h('tr', {}, ...['Task', 'Finished', 'Failed', 'Mean runtime', 'Max runtime'].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, ...data.series.map((s) => {
      const finished = s.buckets.reduce((n, b) => n + b.count, 0);
      const failed = s.buckets.reduce((n, b) => n + b.failed, 0);
      const total = s.buckets.reduce((n, b) => n + (b.meanMs ?? 0) * b.count, 0);
      const max = Math.max(0, ...s.buckets.map((b) => b.maxMs ?? 0));
      return h('tr', {}, h('td', {}, s.name), h('td', { class: 'num' }, finished), h('td', { class: 'num' }, failed), h('td', { class: 'num' }, duration(finished ? total / finished : null)), h('td', { class: 'num' }, duration(max)));
    })),
  );
}
