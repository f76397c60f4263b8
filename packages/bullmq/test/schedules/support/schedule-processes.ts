import { fork, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { SCHEDULE_PROCESS_ENV, type ScheduleMessage, type ScheduleProcessOptions, type TickRun } from '../../fixtures/schedule-messages';
import { REDIS_URL } from '../../support/redis';

const SCRIPT = resolve(__dirname, '../../fixtures/schedule-process.ts');
/** A safety net for a child that never says what a test waits for; tests never wait on timers. */
const WAIT_LIMIT_MS = 30_000;

export type ScheduleProcessSettings = Omit<ScheduleProcessOptions, 'redisUrl'>;

interface Waiter {
  match: () => boolean;
  resolve: () => void;
}

/**
 * Schedule child processes (see `fixtures/schedule-process.ts`) and every tick
 * they ran, in the order the parent heard of them.
 */
export class ScheduleProcesses {
  readonly runs: TickRun[] = [];
  private readonly children = new Map<string, { child: ChildProcess; exited: Promise<void>; ready: boolean; error?: string }>();
  private readonly waiters = new Set<Waiter>();

  spawn(settings: ScheduleProcessSettings): void {
    const options: ScheduleProcessOptions = { redisUrl: REDIS_URL, ...settings };
    const child = fork(SCRIPT, [], {
      execArgv: ['-r', require.resolve('esbuild-register')],
      env: { ...process.env, [SCHEDULE_PROCESS_ENV]: JSON.stringify(options) },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    const entry: { child: ChildProcess; exited: Promise<void>; ready: boolean; error?: string } = { child, exited, ready: false };
    this.children.set(settings.name, entry);
    child.on('message', (message: ScheduleMessage) => {
      if (message.kind === 'ready') entry.ready = true;
      if (message.kind === 'error') entry.error = message.message;
      if (message.kind === 'ran') this.runs.push(message.run);
      this.wake();
    });
    void exited.then(() => this.wake());
  }

  /** Resolves once every named child has reconciled (and started its worker); rejects on a child's start error. */
  async ready(...names: string[]): Promise<void> {
    await this.until(() => names.every((name) => this.children.get(name)!.ready || this.children.get(name)!.error !== undefined), `${names.join(', ')} ready`);
    const failed = names.map((name) => this.children.get(name)!.error).filter((error) => error !== undefined);
    if (failed.length > 0) throw new Error(failed.join('; '));
  }

  /** The start error a child reported. */
  async startError(name: string): Promise<string> {
    await this.until(() => this.children.get(name)!.error !== undefined || this.children.get(name)!.ready, `${name} to fail`);
    return this.children.get(name)!.error ?? 'started without error';
  }

  /** Resolves once `count` runs match `filter`. */
  runsOf(filter: (run: TickRun) => boolean, count: number): Promise<TickRun[]> {
    return this.until(() => this.runs.filter(filter).length >= count, `${count} runs`).then(() => this.runs.filter(filter));
  }

  /** SIGTERM (a graceful stop) or SIGKILL (kill -9) one child, and wait until it exited. */
  async stop(name: string, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const entry = this.children.get(name);
    if (!entry) return;
    entry.child.kill(signal);
    await entry.exited;
    this.children.delete(name);
  }

  async stopAll(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    await Promise.all([...this.children.keys()].map((name) => this.stop(name, signal)));
  }

  private until(match: () => boolean, what: string): Promise<void> {
    if (match()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`Schedule processes did not report ${what} within ${WAIT_LIMIT_MS} ms; runs so far: ${JSON.stringify(this.runs)}`));
      }, WAIT_LIMIT_MS);
      const waiter: Waiter = {
        match,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      this.waiters.add(waiter);
    });
  }

  private wake(): void {
    for (const waiter of this.waiters) {
      if (waiter.match()) {
        this.waiters.delete(waiter);
        waiter.resolve();
      }
    }
  }
}
