import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { REDIS_URL } from '../../../bullmq/test/support/redis';

/** The built bin, as users run it (`pnpm test` and `pnpm test:cluster` build first). */
const BIN = resolve(__dirname, '../../dist/bin.js');

/** The environment of every run: the test Redis as `$REDIS_URL`, no colours. */
const ENV = { ...process.env, REDIS_URL, NO_COLOR: '1' };

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `tasks <args>` to its end. */
export function tasks(args: readonly string[]): Promise<Run> {
  const child = spawn(process.execPath, [BIN, ...args], { env: ENV });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((done) => child.on('close', (code) => done({ code, stdout, stderr })));
}

/** A running `tasks events --follow`. */
export interface Following {
  /** Resolves once the command said it listens: events sent from then on are printed. */
  listening: Promise<void>;
  /** Resolves once stdout so far matches `pattern`. */
  waitOut(pattern: RegExp): Promise<void>;
  /** Interrupts it (Ctrl-C) and resolves with its exit code and whole stdout. */
  interrupt(): Promise<{ code: number | null; stdout: string }>;
}

/** Starts `tasks events --follow <args>`. */
export function followEvents(args: readonly string[]): Following {
  const child = spawn(process.execPath, [BIN, 'events', '--follow', ...args], { env: ENV });
  let stdout = '';
  const checks = new Set<(text: string) => void>();
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    checks.forEach((check) => check(stdout));
  });
  const listening = new Promise<void>((done) => child.stderr.on('data', (chunk: Buffer) => /Listening for events/.test(chunk.toString()) && done()));
  const exited = new Promise<number | null>((done) => child.on('close', done));
  return {
    listening,
    waitOut: (pattern) =>
      new Promise<void>((done) => {
        const check = (text: string) => pattern.test(text) && (checks.delete(check), done());
        checks.add(check);
        check(stdout);
      }),
    interrupt: async () => {
      child.kill('SIGINT');
      return { code: await exited, stdout };
    },
  };
}
