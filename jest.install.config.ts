/** @jest-config-loader esbuild-register */
import type { Config } from 'jest';
import base from './jest.config';

// `pnpm test:install`: packs the packages and installs them into a project outside the
// workspace with npm (test/install). Apart from `pnpm test`: it needs the npm registry and
// takes minutes, so CI runs it once, not on every Node line.
const config: Config = {
  ...base,
  roots: ['<rootDir>/test/install'],
  testTimeout: 120_000,
};

export default config;
