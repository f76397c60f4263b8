import { fork, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { CLUSTER_PROCESS_ENV, type ClusterCommand, type ClusterMessage, type ClusterProcessOptions } from '../../fixtures/cluster-messages';
import { REDIS_URL } from '../../support/redis';

const SCRIPT = resolve(__dirname, '../../fixtures/cluster-process.ts');
/** A safety net for a child that never says what a test waits for; tests never wait on timers. */
const WAIT_LIMIT_MS = 25_000;

/** A cluster child process (see `fixtures/cluster-process.ts`) and what it reported. */
export class ClusterProcess {
  readonly messages: ClusterMessage[] = [];
  readonly exited: Promise<unknown>;
  private readonly waiters = new Set<{ match: (m: ClusterMessage) => boolean; resolve: (m: ClusterMessage) => void }>();
  private output = '';
  private readonly outputWaiters = new Set<() => void>();

  constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    child.on('message', (message: ClusterMessage) => {
      this.messages.push(message);
      for (const waiter of this.waiters) {
        if (!waiter.match(message)) continue;
        this.waiters.delete(waiter);
        waiter.resolve(message);
      }
    });
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-8000);
      this.outputWaiters.forEach((check) => check());
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((done) => child.once('exit', done));
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Output so far (stdout and stderr), for assertions on what it logged. */
  get logs(): string {
    return this.output;
  }

  /** The first message `match` accepts, already received or to come. */
  waitFor<Kind extends ClusterMessage['kind']>(kind: Kind, match: (m: Extract<ClusterMessage, { kind: Kind }>) => boolean = () => true, fresh = false): Promise<Extract<ClusterMessage, { kind: Kind }>> {
    const accept = (m: ClusterMessage) => m.kind === kind && match(m as Extract<ClusterMessage, { kind: Kind }>);
    const seen = fresh ? undefined : this.messages.find(accept);
    if (seen) return Promise.resolve(seen as Extract<ClusterMessage, { kind: Kind }>);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name} did not report ${kind} within ${WAIT_LIMIT_MS} ms. Output:\n${this.output}`)), WAIT_LIMIT_MS);
      // A wait that lost a race (the other child took the task) never resolves: its safety net must not hold the process.
      timer.unref();
      this.waiters.add({ match: accept, resolve: (m) => (clearTimeout(timer), resolve(m as Extract<ClusterMessage, { kind: Kind }>)) });
    });
  }

  /** Resolves once the output so far matches `pattern` (what the child logged reaches the parent on its own schedule). */
  waitForOutput(pattern: RegExp): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name} did not log ${pattern} within ${WAIT_LIMIT_MS} ms. Output:\n${this.output}`)), WAIT_LIMIT_MS);
      timer.unref();
      const check = () => {
        if (!pattern.test(this.output)) return;
        clearTimeout(timer);
        this.outputWaiters.delete(check);
        resolve();
      };
      this.outputWaiters.add(check);
      check();
    });
  }

  /** Sends a command and waits for the report of kind `answer` that follows it. */
  async ask<Kind extends ClusterMessage['kind']>(command: ClusterCommand, answer: Kind): Promise<Extract<ClusterMessage, { kind: Kind }>> {
    const reply = this.waitFor(answer, () => true, true);
    this.child.send(command);
    return reply;
  }

  kill(signal: NodeJS.Signals): void {
    if (this.child.exitCode === null) this.child.kill(signal);
  }
}

/** Starts cluster children; {@link killAll} in `afterEach` makes sure none outlives its test. */
export class ClusterProcesses {
  private readonly children = new Set<ClusterProcess>();

  async spawn(settings: Omit<ClusterProcessOptions, 'redisUrl'>): Promise<ClusterProcess> {
    const options: ClusterProcessOptions = { redisUrl: REDIS_URL, ...settings };
    const child = fork(SCRIPT, [], {
      execArgv: ['-r', require.resolve('esbuild-register')],
      env: { ...process.env, [CLUSTER_PROCESS_ENV]: JSON.stringify(options) },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const handle = new ClusterProcess(settings.name, child);
    this.children.add(handle);
    await handle.waitFor('ready');
    return handle;
  }

  async killAll(): Promise<void> {
    const children = [...this.children];
    this.children.clear();
    children.forEach((child) => child.kill('SIGKILL'));
    await Promise.all(children.map((child) => child.exited));
  }
}
