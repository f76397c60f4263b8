import { Redis } from 'ioredis';
import { REDIS_URL } from '../../support/redis';

/** Ids and names of the Redis clients whose name starts with `<prefix>:`: every client of one test. */
export async function clientsOf(prefix: string): Promise<{ id: string; name: string }[]> {
  const admin = new Redis(REDIS_URL);
  try {
    const list = String(await admin.call('CLIENT', 'LIST'));
    return list
      .split('\n')
      .map((line) => ({ id: /\bid=(\d+)/.exec(line)?.[1] ?? '', name: /\bname=(\S*)/.exec(line)?.[1] ?? '' }))
      .filter((client) => client.id !== '' && client.name.startsWith(`${prefix}:`));
  } finally {
    admin.disconnect();
  }
}

/** Drops every connection of one test with `CLIENT KILL`, as a network blip or a Redis restart would. */
export async function killClientsOf(prefix: string): Promise<string[]> {
  const clients = await clientsOf(prefix);
  const admin = new Redis(REDIS_URL);
  try {
    for (const { id } of clients) await admin.call('CLIENT', 'KILL', 'ID', id);
  } finally {
    admin.disconnect();
  }
  return clients.map((client) => client.name);
}
