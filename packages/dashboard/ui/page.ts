import type { StreamMessages } from '../src/api-types';
import { act } from './api';
import { h } from './dom';

/** One page of the dashboard: it renders into `main` and follows the event stream. */
export interface Page {
  readonly title: string;
  render(main: HTMLElement): Promise<void>;
  on<Name extends keyof StreamMessages>(name: Name, message: StreamMessages[Name]): void;
}

/** Tells the outcome of an action in the live region. */
let toastTimer: number | undefined;
export function toast(message: string): void {
  const region = document.getElementById('toast');
  if (!region) return;
  region.textContent = message;
  window.clearTimeout(toastTimer);
  toastTimer = window.setTimeout(() => (region.textContent = ''), 8000);
}

/** A button that runs an action and tells its outcome; `then` runs after a success. */
export function actionButton(label: string, path: string, options: { danger?: boolean; describedBy?: string; then?: (taskId?: string) => void } = {}): HTMLButtonElement {
  const button = h('button', { type: 'button', class: options.danger ? 'danger' : undefined, 'aria-describedby': options.describedBy, 'data-focus': `${label} ${path}` });
  button.textContent = label;
  button.addEventListener('click', async () => {
    // aria-disabled rather than disabled: a disabled button would drop the keyboard focus.
    if (button.getAttribute('aria-disabled') === 'true') return;
    button.setAttribute('aria-disabled', 'true');
    try {
      const outcome = await act(path);
      toast(outcome.message);
      if (outcome.ok) options.then?.(outcome.taskId);
    } catch (error) {
      toast(`${label} failed: ${(error as Error).message}`);
    } finally {
      button.removeAttribute('aria-disabled');
    }
  });
  return button;
}

/** Runs `run` at most once per `ms`, the last call winning. */
export function throttle(ms: number, run: () => void): () => void {
  let timer: number | undefined;
  return () => {
    if (timer !== undefined) return;
    timer = window.setTimeout(() => {
      timer = undefined;
      run();
    }, ms);
  };
}
