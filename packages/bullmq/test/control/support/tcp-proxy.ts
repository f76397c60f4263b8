import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { REDIS_URL } from '../../support/redis';

/** Host and port of a `redis://` URL. */
export interface RedisAddress {
  host: string;
  port: number;
}

function addressOf(url: string): RedisAddress {
  const { hostname, port } = new URL(url);
  return { host: hostname === '' ? '127.0.0.1' : hostname.replace(/^\[|\]$/g, ''), port: port === '' ? 6379 : Number(port) };
}

/**
 * A TCP relay in front of the real Redis (`REDIS_URL`), so one test can take Redis away from
 * its own clients (`cut`) and give it back (`restore`) without touching the
 * Redis other tests use. While cut, connections are refused.
 */
export class TcpProxy {
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;

  private constructor(
    private readonly target: RedisAddress,
    private listenPort: number,
  ) {}

  /** Relays to the Redis of `REDIS_URL` unless told otherwise. */
  static async start(target: RedisAddress = addressOf(REDIS_URL)): Promise<TcpProxy> {
    const proxy = new TcpProxy(target, 0);
    await proxy.restore();
    return proxy;
  }

  get port(): number {
    return this.listenPort;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.listenPort}`;
  }

  /** Drops every relayed connection and refuses new ones. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    this.sockets.forEach((socket) => socket.destroy());
    this.sockets.clear();
    await closed;
  }

  /** Accepts connections again, on the same port. */
  async restore(): Promise<void> {
    const server = createServer((client) => this.relay(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.listenPort, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    if (address && typeof address === 'object') this.listenPort = address.port;
    this.server = server;
  }

  close(): Promise<void> {
    return this.cut();
  }

  private relay(client: Socket): void {
    const upstream = createConnection(this.target.port, this.target.host);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        this.sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  }
}
