/** @jest-config-loader esbuild-register */
import type { Config } from 'jest';
import base from './jest.config';

// The Redis Cluster suite (`pnpm test:cluster`): integration tests against the cluster of
// `scripts/redis-cluster.sh start`, kept out of `pnpm test` so that needs one Redis only.
const config: Config = {
  ...base,
  testMatch: ['**/test/**/*.cluster-spec.ts'],
};

export default config;
