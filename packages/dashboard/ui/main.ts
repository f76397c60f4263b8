// The dashboard's page: a hash router over five pages, fed by the JSON API and the event stream.
import { stream } from './api';
import { ChartsPage } from './charts.page';
import { h, replace } from './dom';
import type { Page } from './page';
import { SchedulesPage } from './schedules.page';
import { TaskPage } from './task.page';
import { TasksPage } from './tasks.page';
import { WorkersPage } from './workers.page';

let current: Page | undefined;

function pageFor(hash: string): Page {
  const [path = '', query = ''] = hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(query);
  if (path.startsWith('/task/')) return new TaskPage(decodeURIComponent(path.slice('/task/'.length)));
  if (path === '/workers') return new WorkersPage();
  if (path === '/charts') return new ChartsPage();
  if (path === '/schedules') return new SchedulesPage();
  return new TasksPage(params);
}

async function route(): Promise<void> {
  const main = document.getElementById('main')!;
  const page = pageFor(location.hash);
  current = page;
  document.title = `${page.title} · Tasks dashboard`;
  const section = location.hash.split(/[/?]/)[1] ?? 'tasks';
  for (const link of document.querySelectorAll('nav a')) {
    const here = link.getAttribute('href') === `#/${section}` || (section === 'task' && link.getAttribute('href') === '#/tasks') || (section === '' && link.getAttribute('href') === '#/tasks');
    if (here) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  try {
    await page.render(main);
  } catch (error) {
    if (current === page) replace(main, h('h2', {}, page.title), h('p', { role: 'alert' }, `Could not load: ${(error as Error).message}`));
  }
}

window.addEventListener('hashchange', () => {
  void route().then(() => document.getElementById('main')?.focus({ preventScroll: true }));
});
document.addEventListener('DOMContentLoaded', () => {
  // The hash is the router's: following `#main` would open the tasks page instead of skipping to the content.
  document.querySelector('a.skip')?.addEventListener('click', (event) => {
    event.preventDefault();
    document.getElementById('main')?.focus();
  });
  const live = document.getElementById('live')!;
  stream(
    (name, message) => current?.on(name, message),
    (connected) => {
      live.textContent = connected ? 'live' : 'reconnecting…';
      live.classList.toggle('on', connected);
    },
  );
  void route();
});
