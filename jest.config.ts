/** @jest-config-loader esbuild-register */
import type { Config } from 'jest';

// NestJS 12 and a few of its dependencies ship ESM only. Jest's CommonJS loader
// can not `require()` ESM the way Node 20.19+ does, so those files go through the
// same SWC transform as our sources and are loaded as CommonJS.
const esmOnly = ['@nestjs', 'file-type', 'load-esm', 'uid', 'strtok3', 'token-types', 'peek-readable', '@tokenizer', 'uint8array-extras'];

const swc: [string, Record<string, unknown>] = [
  '@swc/jest',
  {
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
    },
    module: { type: 'commonjs' },
  },
];

const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/packages', '<rootDir>/apps'],
  testMatch: ['**/test/**/*.spec.ts'],
  transform: { '^.+\\.(t|j|mj)s$': swc },
  transformIgnorePatterns: [`/node_modules/(?!(\\.pnpm/)?(${esmOnly.join('|')}))`],
  moduleNameMapper: {
    '^@tasks/(core|bullmq|nestjs|cli|dashboard)$': '<rootDir>/packages/$1/src/index.ts',
    '^@tasks/core/internal$': '<rootDir>/packages/core/src/internal.ts',
    '^@tasks/nestjs/terminus$': '<rootDir>/packages/nestjs/src/terminus.ts',
  },
  testTimeout: 30_000,
};

export default config;
