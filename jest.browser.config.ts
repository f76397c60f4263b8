/** @jest-config-loader esbuild-register */
import type { Config } from 'jest';
import base from './jest.config';

// The browser suite (`pnpm test:browser`): the dashboard driven in Debian's chromium through
// playwright-core, against the built sample. Kept out of `pnpm test`: CI runs it once.
const config: Config = {
  ...base,
  testMatch: ['**/test/**/*.browser-spec.ts'],
  testTimeout: 60_000,
};

export default config;
