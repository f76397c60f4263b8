import { fork, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { WORKER_PROCESS_ENV, type WorkerMessage, type WorkerProcessOptions } from '../../fixtures/worker-messages';
import { REDIS_URL } from '../../support/redis';

const SCRIPT = resolve(__dirname, '../../fixtures/worker-process.ts');
/** A safety net for a child that never says what a test waits for; tests never wait on timers. */
const WAIT_LIMIT_MS = 20_000;
const KEPT_OUTPUT = 8000;

export type WorkerProcessSettings = Pick<WorkerProcessOptions, 'prefix' | 'name'> & Partial<WorkerProcessOptions>;

interface Waiter {
  match: (message: WorkerMessage) => boolean;
  resolve: (message: WorkerMessage) => void;
}

/** A worker running in a child process (see `fixtures/worker-process.ts`), and what it reported. */
export class WorkerProcess {
  readonly messages: WorkerMessage[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly waiters = new Set<Waiter>();
  private output = '';
  private running = true;

  constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    child.on('message', (message: WorkerMessage) => this.receive(message));
    const keep = (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-KEPT_OUTPUT));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((done) =>
      child.once('exit', (code, signal) => {
        this.running = false;
        done({ code, signal });
      }),
    );
  }

  get alive(): boolean {
    return this.running;
  }

  /** Ids of the tasks this worker started, in order (with repeats). */
  started(): string[] {
    return this.messages.flatMap((m) => (m.kind === 'started' ? [m.taskId] : []));
  }

  /** Ids of the tasks this worker finished. */
  finished(): string[] {
    return this.messages.flatMap((m) => (m.kind === 'finished' ? [m.taskId] : []));
  }

  /** Tasks started and not yet finished here. */
  active(): string[] {
    const finished = new Set(this.finished());
    return this.started().filter((id) => !finished.has(id));
  }

  /** The worker signals received, in order. */
  signals(): string[] {
    return this.messages.flatMap((m) => (m.kind === 'worker' ? [m.signal] : []));
  }

  /** The first message, already received or to come, that `match` accepts. */
  waitFor(match: (message: WorkerMessage) => boolean, what = 'a message'): Promise<WorkerMessage> {
    const seen = this.messages.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`Worker ${this.name} did not report ${what} within ${WAIT_LIMIT_MS} ms. Its output:\n${this.output}`));
      }, WAIT_LIMIT_MS);
      const waiter: Waiter = {
        match,
        resolve: (message) => {
          clearTimeout(timer);
          resolve(message);
        },
      };
      this.waiters.add(waiter);
    });
  }

  waitForSignal(signal: string): Promise<WorkerMessage> {
    return this.waitFor((m) => m.kind === 'worker' && m.signal === signal, signal);
  }

  kill(signal: NodeJS.Signals): void {
    if (this.running) this.child.kill(signal);
  }

  private receive(message: WorkerMessage): void {
    this.messages.push(message);
    for (const waiter of this.waiters) {
      if (waiter.match(message)) {
        this.waiters.delete(waiter);
        waiter.resolve(message);
      }
    }
  }
}

/**
 * Starts worker child processes and makes sure none outlives its test: call
 * {@link killAll} in `afterEach` (it runs when a test fails too); a child also
 * exits by itself when its parent goes away.
 */
export class WorkerProcesses {
  private readonly children = new Set<WorkerProcess>();

  spawn(settings: WorkerProcessSettings): WorkerProcess {
    const options: WorkerProcessOptions = {
      redisUrl: REDIS_URL,
      concurrency: 8,
      lockDurationMs: 2000,
      stalledIntervalMs: 1000,
      shutdownTimeoutMs: 10_000,
      ...settings,
    };
    const child = fork(SCRIPT, [], {
      execArgv: ['-r', require.resolve('esbuild-register')],
      env: { ...process.env, [WORKER_PROCESS_ENV]: JSON.stringify(options) },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const worker = new WorkerProcess(options.name, child);
    this.children.add(worker);
    return worker;
  }

  /** SIGKILLs every child still running and waits until each has exited. */
  async killAll(): Promise<void> {
    const children = [...this.children];
    this.children.clear();
    children.forEach((child) => child.kill('SIGKILL'));
    await Promise.all(children.map((child) => child.exited));
  }
}
