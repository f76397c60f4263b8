import type { ActionOutcome, StreamMessages } from '../src/api-types';

function meta(name: string): string {
  return document.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content ?? '';
}

export const BASE = meta('tasks-base');
export const READ_ONLY = meta('tasks-read-only') === 'true';
const CSRF = meta('tasks-csrf');

let loading = 0;
function busy(delta: number): void {
  loading += delta;
  const progress = document.getElementById('progress');
  if (progress) progress.hidden = loading === 0;
  document.getElementById('main')?.setAttribute('aria-busy', String(loading > 0));
}

/** GETs JSON from the dashboard's API, showing the progress bar meanwhile. */
export async function get<Body>(path: string): Promise<Body> {
  busy(1);
  try {
    const response = await fetch(`${BASE}/api/${path}`, { headers: { accept: 'application/json' }, credentials: 'same-origin' });
    if (!response.ok) throw new Error(`${response.status}: ${((await response.json().catch(() => ({}))) as { message?: string }).message ?? response.statusText}`);
    return (await response.json()) as Body;
  } finally {
    busy(-1);
  }
}

/** POSTs an action with the page's CSRF token. */
export async function act(path: string): Promise<ActionOutcome> {
  busy(1);
  try {
    const response = await fetch(`${BASE}/api/${path}`, { method: 'POST', headers: { 'x-tasks-csrf': CSRF }, credentials: 'same-origin' });
    const body = (await response.json().catch(() => ({ ok: false, message: response.statusText }))) as ActionOutcome;
    return { ...body, ok: response.ok && body.ok !== false };
  } finally {
    busy(-1);
  }
}

type Listener = <Name extends keyof StreamMessages>(name: Name, message: StreamMessages[Name]) => void;

/** Opens the event stream; `listener` gets every message. The browser reconnects by itself. */
export function stream(listener: Listener, status: (connected: boolean) => void): EventSource {
  const source = new EventSource(`${BASE}/api/stream`);
  source.addEventListener('open', () => status(true));
  source.addEventListener('error', () => status(false));
  for (const name of ['task', 'timeline', 'worker'] as const) {
    source.addEventListener(name, (event) => listener(name, JSON.parse((event as MessageEvent<string>).data) as StreamMessages[typeof name]));
  }
  return source;
}
