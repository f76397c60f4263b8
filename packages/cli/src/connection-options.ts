import type { RedisClusterConnection, RedisConnection } from '@tasks/bullmq';
import { UsageError } from './errors/usage.error';

/** The global flags that say which Redis to talk to, and whether `--url` was given on the command line. */
export interface ConnectionFlags {
  url: string;
  urlGiven: boolean;
  cluster?: string;
  shardByQueue: boolean;
}

/** What the application's `connection` and `cluster` options are, as far as the flags say. */
export interface FlagConnection {
  connection: RedisConnection;
  cluster?: { shardByQueue: boolean };
}

const NODE_FORM = 'host:port,host:port (e.g. 10.0.0.1:7000,10.0.0.2:7000), or redis://[user]:password@host:port for nodes that need a password';

/**
 * The connection of `--url`, or of `--cluster` with `--shard-by-queue`. `--url` given
 * with `--cluster` is refused (which one is meant is not for us to guess), and so is
 * `--shard-by-queue` without `--cluster`: on one Redis it would change nothing, so it
 * is a sign of the wrong target.
 */
export function connectionFromFlags(flags: ConnectionFlags): FlagConnection {
  if (flags.cluster === undefined) {
    if (flags.shardByQueue) throw new UsageError('--shard-by-queue applies to a Redis Cluster only; give the cluster with --cluster <host:port,...>, or drop --shard-by-queue.');
    return { connection: flags.url };
  }
  if (flags.urlGiven) throw new UsageError('--url and --cluster both name the Redis to use; give one of them: --url for one Redis, --cluster for the startup nodes of a Redis Cluster.');
  return { connection: parseClusterNodes(flags.cluster), cluster: { shardByQueue: flags.shardByQueue } };
}

interface Node {
  host: string;
  port: number;
  username?: string;
  password?: string;
}

/**
 * `host:port,host:port` (IPv6 hosts in brackets: `[::1]:7000`) as startup nodes. An entry
 * may be a `redis://` URL carrying the user and password, which every node of a cluster
 * shares: entries that give different ones are refused.
 */
export function parseClusterNodes(list: string): RedisClusterConnection {
  const nodes = list.split(',').map((raw) => parseNode(raw.trim()));
  const withCredentials = nodes.filter((node) => node.username !== undefined || node.password !== undefined);
  const [credentials] = withCredentials;
  if (withCredentials.some((node) => node.username !== credentials!.username || node.password !== credentials!.password)) {
    throw new UsageError("--cluster: the nodes give different users or passwords, while a cluster's nodes share one; give it on one node (redis://:password@host:port) or the same on each.");
  }
  const cluster = nodes.map(({ host, port }) => ({ host, port }));
  if (!credentials) return { cluster };
  const { username, password } = credentials;
  return { cluster, redisOptions: { ...(username === undefined ? {} : { username }), ...(password === undefined ? {} : { password }) } };
}

function parseNode(entry: string): Node {
  const bad = (why = '') => new UsageError(`--cluster: '${masked(entry)}' is not a node as host:port${why}; give the startup nodes as ${NODE_FORM}.`);
  if (!/^[a-z][a-z\d+.-]*:\/\//i.test(entry)) {
    const match = /^(?:\[([^\]]+)\]|([^:[\]\s/@]+)):(\d{1,5})$/.exec(entry);
    if (!match) throw bad();
    return { host: match[1] ?? match[2]!, port: portOf(match[3]!, bad) };
  }
  let url: URL;
  try {
    url = new URL(entry);
  } catch {
    throw bad();
  }
  if (url.protocol === 'rediss:') {
    throw new UsageError(`--cluster: '${masked(entry)}' asks for TLS, which --cluster does not offer; reach a TLS cluster from code (TasksControl, TaskEvents) with connection: { cluster, redisOptions: { tls } }.`);
  }
  if (url.protocol !== 'redis:') throw bad(` or a redis:// URL`);
  if (url.pathname !== '' && url.pathname !== '/') throw bad(' (a cluster has no database number)');
  if (url.search !== '' || url.hash !== '' || url.hostname === '' || url.port === '') throw bad();
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: portOf(url.port, bad),
    ...(url.username === '' ? {} : { username: decodeURIComponent(url.username) }),
    ...(url.password === '' ? {} : { password: decodeURIComponent(url.password) }),
  };
}

function portOf(text: string, bad: () => UsageError): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw bad();
  return port;
}

/** The entry with its password hidden, for messages. */
function masked(entry: string): string {
  return entry.replace(/(\/\/[^:@/]*):[^@/]*@/, '$1:***@');
}
