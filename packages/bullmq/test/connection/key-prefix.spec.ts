import { ClusterShardingError } from '@tasks/core';
import { keyPrefix, queuePrefix } from '../../src/connection/key-prefix';

const cluster = { cluster: [{ host: '127.0.0.1', port: 7000 }] };

describe('key prefixes', () => {
  it('leaves the prefix as it is on a single Redis, shardByQueue or not', () => {
    for (const connection of ['redis://127.0.0.1:6390', { host: '127.0.0.1' }, undefined]) {
      expect(keyPrefix({ connection, prefix: 'app' })).toBe('app');
      expect(queuePrefix({ connection, prefix: 'app', cluster: { shardByQueue: true } }, 'emails')).toBe('app');
    }
    expect(keyPrefix({})).toBe('tasks');
  });

  it('wraps the prefix in one hash tag on a cluster, unless it holds one', () => {
    expect(keyPrefix({ connection: cluster })).toBe('{tasks}');
    expect(keyPrefix({ connection: cluster, prefix: 'app' })).toBe('{app}');
    expect(queuePrefix({ connection: cluster, prefix: 'app' }, 'emails')).toBe('{app}');
    expect(keyPrefix({ connection: cluster, prefix: 'app:{jobs}' })).toBe('app:{jobs}');
    // `{}` is no tag: Redis hashes the whole key.
    expect(keyPrefix({ connection: cluster, prefix: 'a{}b' })).toBe('{a{}b}');
  });

  it('gives each queue its own tag with shardByQueue, and refuses a tagged prefix', () => {
    const sharded = { connection: cluster, prefix: 'app', cluster: { shardByQueue: true } };
    expect(keyPrefix(sharded)).toBe('{app}');
    expect(queuePrefix(sharded, 'emails')).toBe('{app:emails}');
    expect(queuePrefix(sharded, 'default')).toBe('{app:default}');
    expect(() => keyPrefix({ ...sharded, prefix: '{app}' })).toThrow(ClusterShardingError);
    expect(() => keyPrefix({ ...sharded, prefix: '{app}' })).toThrow("the prefix '{app}' holds a hash tag");
  });
});
