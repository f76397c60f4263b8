import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '../../../..');
/** What the built sample runs on, in build order, with the outputs each must have. */
const PROJECTS: Array<{ path: string; outputs: string[] }> = [
  { path: 'packages/core', outputs: ['index.js'] },
  { path: 'packages/bullmq', outputs: ['index.js'] },
  { path: 'packages/nestjs', outputs: ['index.js'] },
  { path: 'packages/dashboard', outputs: ['index.js', 'ui/app.js'] },
  { path: 'apps/sample', outputs: ['api.main.js', 'worker.main.js', 'demo.js'] },
];

/** Path of a built script of the sample. */
export function builtScript(name: string): string {
  return join(ROOT, 'apps/sample/dist', name);
}

/**
 * Builds the projects the built sample needs whose output is missing (CI runs
 * `pnpm build` before the tests; a fresh clone may not have). Outputs that exist
 * are used as they are: run `pnpm build` after changing sources.
 */
export function ensureBuilt(): void {
  const tsc = require.resolve('typescript/bin/tsc', { paths: [ROOT] });
  for (const { path, outputs } of PROJECTS) {
    if (outputs.every((output) => existsSync(join(ROOT, path, 'dist', output)))) continue;
    execFileSync(process.execPath, [tsc, '-p', join(ROOT, path, 'tsconfig.build.json')], { stdio: 'inherit' });
    // The dashboard's page is bundled by a script of its own.
    if (existsSync(join(ROOT, path, 'scripts/build-ui.mjs'))) execFileSync(process.execPath, [join(ROOT, path, 'scripts/build-ui.mjs')], { stdio: 'inherit' });
  }
}
