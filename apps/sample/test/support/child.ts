import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

/** A Node script run as a child process, whose stdout lines can be waited on. */
export class Child {
  private readonly process: ChildProcess;
  private readonly lines: string[] = [];
  private readonly waiters = new Set<() => void>();
  private stderr = '';
  private exited = false;

  constructor(script: string, env: Record<string, string>) {
    this.process = spawn(process.execPath, [script], { env: { ...process.env, ...env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    createInterface({ input: this.process.stdout! }).on('line', (line) => {
      this.lines.push(line);
      this.notify();
    });
    this.process.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.process.once('exit', () => {
      this.exited = true;
      this.notify();
    });
  }

  get pid(): number {
    return this.process.pid!;
  }

  /** The first stdout line, printed already or to come, that matches; rejects if the process ends first. */
  waitForLine(pattern: RegExp): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        for (const line of this.lines) {
          const match = line.match(pattern);
          if (match) return resolve(match), true;
        }
        if (this.exited) return reject(new Error(`The process ended before printing ${pattern}.\nstdout:\n${this.lines.join('\n')}\nstderr:\n${this.stderr}`)), true;
        return false;
      };
      if (check()) return;
      const waiter = () => check() && this.waiters.delete(waiter);
      this.waiters.add(waiter);
    });
  }

  /**
   * Ends the process (SIGTERM, so it drains; SIGKILL if it has not ended within 10 s)
   * and resolves with how it ended.
   */
  async stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.exited) return { code: this.process.exitCode, signal: this.process.signalCode };
    const exit = once(this.process, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    this.process.kill('SIGTERM');
    const timer = setTimeout(() => this.process.kill('SIGKILL'), 10_000);
    const [code, signal] = await exit;
    clearTimeout(timer);
    return { code, signal };
  }

  /** Position of a printed line among all lines printed so far. */
  lineIndex(line: string): number {
    return this.lines.indexOf(line);
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
