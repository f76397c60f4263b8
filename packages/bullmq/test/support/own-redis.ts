import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

/** A redis-server of a test's own, on a free port, that the test may stop, pause or protect with a password. */
export interface OwnRedis {
  readonly port: number;
  readonly url: string;
  /** Stops the server (SHUTDOWN NOSAVE), as an outage would. */
  stop(): Promise<void>;
  /** `CLIENT PAUSE <ms> <mode>`: from when this resolves, every client's commands of that kind wait until the pause ends. */
  pause(ms: number, mode: 'WRITE' | 'ALL'): Promise<void>;
  /** Resolves once a write goes through, that is once a pause has ended. */
  writable(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Starts `redis-server` without persistence; resolves once it answers PING. */
export async function startOwnRedis(options: { password?: string } = {}): Promise<OwnRedis> {
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  if (options.password !== undefined) args.push('--requirepass', options.password);
  const child = spawn('redis-server', args, { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const auth = options.password === undefined ? '' : `:${options.password}@`;
  const url = `redis://${auth}127.0.0.1:${port}`;
  const probe = new Redis(url, { lazyConnect: true, retryStrategy: () => 50, maxRetriesPerRequest: null });
  probe.on('error', () => undefined);
  await probe.connect().catch(() => undefined);
  await probe.ping();
  probe.disconnect();
  let stopped = false;
  const withClient = async (use: (client: Redis) => Promise<unknown>) => {
    const client = new Redis(url);
    try {
      await use(client);
    } finally {
      client.disconnect();
    }
  };
  return {
    port,
    url,
    pause: (ms, mode) => withClient((client) => client.call('CLIENT', 'PAUSE', String(ms), mode)),
    writable: () => withClient((client) => client.set('own-redis:writable', '1')),
    stop: async () => {
      if (stopped) return;
      stopped = true;
      child.kill('SIGKILL');
      await exited;
    },
  };
}
