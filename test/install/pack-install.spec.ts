import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { deleteKeys, REDIS_URL, uniquePrefix } from '../../packages/bullmq/test/support/redis';

/**
 * What a user gets from a registry: the five packages are packed with `pnpm pack`, checked
 * as tarballs, then installed with npm into a project outside the workspace together with
 * NestJS, BullMQ and ioredis, compiled with tsc (`strict`, `nodenext`, no `skipLibCheck`) and
 * run, once eager and once against the Redis of REDIS_URL. Twice: with the versions the
 * workspace pins (the current ones), and with the lowest the peer ranges allow. The app is
 * built as a CommonJS project, and with the current versions also as an ES module project,
 * as NestJS 12 apps are.
 */
const run = promisify(execFile);
const ROOT = resolve(__dirname, '..', '..');
const PACKAGES = ['core', 'bullmq', 'nestjs', 'dashboard', 'cli'] as const;
const APP = join(__dirname, 'app');

interface Manifest {
  name: string;
  license?: string;
  keywords?: string[];
  repository?: { url?: string; directory?: string };
  sideEffects?: boolean | string[];
  exports?: Record<string, { types?: string; default?: string } | string>;
  engines?: { node?: string };
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const readJson = async <T>(path: string): Promise<T> => JSON.parse(await readFile(path, 'utf8')) as T;
const workspaceManifest = (name: (typeof PACKAGES)[number]) => readJson<Manifest>(join(ROOT, 'packages', name, 'package.json'));
/** The lowest version a range admits, for ranges made of `^x.y.z` alternatives. */
const lowest = (range: string) => /\d+\.\d+\.\d+/.exec(range)![0];

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => relative(dir, join(entry.parentPath, entry.name)));
}

describe('the packed packages, installed as a user installs them', () => {
  let work: string;
  const tarballs: string[] = [];
  const unpacked = new Map<string, string>();

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'tasks-install-'));
    for (const name of PACKAGES) {
      const { stdout } = await run('pnpm', ['pack', '--pack-destination', join(work, 'tarballs')], { cwd: join(ROOT, 'packages', name) });
      const tarball = stdout.trim().split('\n').pop()!;
      tarballs.push(tarball);
      const into = join(work, 'unpacked', name);
      await mkdir(into, { recursive: true });
      await run('tar', ['-xzf', tarball, '-C', into, '--strip-components=1']);
      unpacked.set(name, into);
    }
  }, 120_000);
  afterAll(() => rm(work, { recursive: true, force: true }));

  describe.each(PACKAGES)('the @tasks/%s tarball', (name) => {
    it('has the MIT LICENSE, a README, and the fields a registry page and bundlers read', async () => {
      const dir = unpacked.get(name)!;
      const files = await filesUnder(dir);
      expect(files).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json', 'dist/index.js', 'dist/index.d.ts']));
      expect(await readFile(join(dir, 'LICENSE'), 'utf8')).toBe(await readFile(join(ROOT, 'LICENSE'), 'utf8'));
      const manifest = await readJson<Manifest>(join(dir, 'package.json'));
      expect(manifest).toMatchObject({ name: `@tasks/${name}`, license: 'MIT', repository: { directory: `packages/${name}` } });
      expect(manifest.repository?.url).toMatch(/^git\+https:\/\//);
      expect(manifest.keywords?.length).toBeGreaterThan(0);
      expect(manifest.sideEffects).toBeDefined();
      expect(manifest.exports?.['.']).toEqual({ types: './dist/index.d.ts', default: './dist/index.js' });
      // Every entry point has its types first, and both files are shipped.
      for (const [entry, target] of Object.entries(manifest.exports ?? {})) {
        if (entry === './package.json') continue;
        expect(typeof target === 'object' && Object.keys(target)).toEqual(['types', 'default']);
        for (const file of Object.values(target)) expect(files).toContain(file.replace(/^\.\//, ''));
      }
      expect(manifest.engines?.node).toBe('^20.19.0 || >=22.12.0');
      // Workspace links are replaced by the version, as npm needs.
      for (const version of Object.values(manifest.dependencies ?? {})) expect(version).not.toMatch(/^workspace:/);
    });

    it('ships no build cache, and every source map points at a file it ships', async () => {
      const dir = unpacked.get(name)!;
      const files = await filesUnder(dir);
      expect(files.filter((file) => file.endsWith('.tsbuildinfo'))).toEqual([]);
      const maps = files.filter((file) => file.endsWith('.map'));
      expect(maps.length).toBeGreaterThan(0);
      const shipped = new Set(files);
      const dangling: string[] = [];
      for (const map of maps) {
        const { sources } = await readJson<{ sources: string[] }>(join(dir, map));
        for (const source of sources) {
          const target = relative(dir, resolve(dir, dirname(map), source));
          if (!shipped.has(target)) dangling.push(`${map} -> ${source}`);
        }
      }
      expect(dangling).toEqual([]);
    });

    it('has a README that reads on its own: no links into the repository', async () => {
      const readme = await readFile(join(unpacked.get(name)!, 'README.md'), 'utf8');
      const relativeLinks = [...readme.matchAll(/\]\(([^)]+)\)/g)].map((match) => match[1]!).filter((href) => !/^(https?:|#)/.test(href));
      expect(relativeLinks).toEqual([]);
      expect(readme).toMatch(new RegExp(`npm install .*@tasks/${name}`));
    });
  });

  it('asks for bullmq and ioredis as peers, in ranges whose lowest and current versions are tested here', async () => {
    const bullmq = await workspaceManifest('bullmq');
    const nestjs = await workspaceManifest('nestjs');
    const cli = await workspaceManifest('cli');
    for (const manifest of [bullmq, nestjs, cli]) {
      expect(manifest.dependencies).not.toHaveProperty('bullmq');
      expect(manifest.dependencies).not.toHaveProperty('ioredis');
      expect(manifest.peerDependencies).toMatchObject({ bullmq: bullmq.peerDependencies!.bullmq, ioredis: bullmq.peerDependencies!.ioredis });
    }
  });

  describe.each(['current', 'lowest'] as const)('with the %s supported versions', (which) => {
    const kinds = which === 'current' ? (['commonjs', 'module'] as const) : (['commonjs'] as const);
    let project: string;
    let versions: Record<string, string>;
    let installLog: string;

    beforeAll(async () => {
      const bullmq = await workspaceManifest('bullmq');
      const nestjs = await workspaceManifest('nestjs');
      const dashboard = await workspaceManifest('dashboard');
      const pick = (manifest: Manifest, name: string) =>
        which === 'current' ? manifest.devDependencies![name]! : lowest(manifest.peerDependencies![name]!);
      versions = {
        '@nestjs/common': pick(nestjs, '@nestjs/common'),
        '@nestjs/core': pick(nestjs, '@nestjs/core'),
        '@nestjs/platform-express': which === 'current' ? dashboard.devDependencies!['@nestjs/platform-express']! : lowest(nestjs.peerDependencies!['@nestjs/core']!),
        '@nestjs/terminus': pick(nestjs, '@nestjs/terminus'),
        bullmq: pick(bullmq, 'bullmq'),
        ioredis: pick(bullmq, 'ioredis'),
        'reflect-metadata': nestjs.devDependencies!['reflect-metadata']!,
        rxjs: nestjs.devDependencies!.rxjs!,
      };
      project = join(work, `app-${which}`);
      await mkdir(project, { recursive: true });
      await writeFile(join(project, 'package.json'), JSON.stringify({ name: `install-check-${which}`, private: true }, null, 2));
      // One app folder per module kind; both resolve packages from the project's node_modules.
      for (const kind of kinds) {
        await mkdir(join(project, kind));
        await writeFile(join(project, kind, 'package.json'), JSON.stringify({ name: `app-${kind}`, private: true, type: kind }, null, 2));
        await cp(join(APP, 'src'), join(project, kind, 'src'), { recursive: true });
        await cp(join(APP, 'tsconfig.json'), join(project, kind, 'tsconfig.json'));
      }
      const typesNode = (await readJson<Manifest>(join(ROOT, 'package.json'))).devDependencies!['@types/node']!;
      const specs = [...tarballs, ...Object.entries(versions).map(([name, version]) => `${name}@${version}`), `@types/node@${typesNode}`];
      const { stdout, stderr } = await run('npm', ['install', '--no-audit', '--no-fund', ...specs], { cwd: project, maxBuffer: 16 * 1024 * 1024 });
      installLog = `${stdout}\n${stderr}`;
    }, 600_000);

    it('installs without a warning about our packages', () => {
      const warnings = installLog.split('\n').filter((line) => /^npm (warn|WARN)/.test(line));
      if (warnings.length > 0) console.log(`npm install (${which} versions) warned:\n${warnings.join('\n')}`);
      expect(warnings.filter((line) => line.includes('@tasks/'))).toEqual([]);
    });

    it('installs the versions asked for, one copy of BullMQ and ioredis', async () => {
      for (const [name, version] of Object.entries(versions)) {
        expect((await readJson<{ version: string }>(join(project, 'node_modules', name, 'package.json'))).version).toBe(version);
      }
      const { stdout } = await run('npm', ['ls', '--all', '--parseable', 'bullmq', 'ioredis'], { cwd: project });
      const copies = stdout.split('\n').filter((line) => /node_modules\/(bullmq|ioredis)$/.test(line));
      expect(copies.map((line) => relative(project, line)).sort()).toEqual(['node_modules/bullmq', 'node_modules/ioredis']);
    });

    it.each(kinds)('compiles as a %s project with tsc: strict, moduleResolution nodenext, skipLibCheck false', async (kind) => {
      const tsc = require.resolve('typescript/bin/tsc', { paths: [ROOT] });
      await expect(run(process.execPath, [tsc, '-p', join(project, kind)], { cwd: project })).resolves.toMatchObject({ stdout: '', stderr: '' });
    }, 120_000);

    it.each(kinds)('runs eager, without Redis (%s)', async (kind) => {
      const { stdout } = await run(process.execPath, ['dist/main.js', 'eager'], { cwd: join(project, kind), env: { ...process.env, REDIS_URL: 'redis://127.0.0.1:1' } });
      expect(JSON.parse(stdout)).toEqual({ mode: 'eager', sum: 5, state: 'SUCCESS', ok: true, health: 'up', seen: ['sum_computed math 5', 'task_success math.add 5'] });
    }, 60_000);

    it.each(kinds)('runs against Redis, with its worker in the same process (%s)', async (kind) => {
      const prefix = uniquePrefix('install');
      try {
        const { stdout } = await run(process.execPath, ['dist/main.js', 'redis'], { cwd: join(project, kind), env: { ...process.env, REDIS_URL, TASKS_PREFIX: prefix } });
        expect(JSON.parse(stdout)).toEqual({
          mode: 'redis',
          sum: 5,
          state: 'SUCCESS',
          ok: true,
          health: 'up',
          seen: ['sum_computed math 5', 'task_success math.add 5'],
          dashboard: { refused: 403, page: 200, csp: true, tasks: 200 },
        });
      } finally {
        await deleteKeys(prefix);
      }
    }, 60_000);

    it('puts the tasks command on the path; with no worker on the prefix, ping answers exit code 3', async () => {
      const bin = join(project, 'node_modules', '.bin', 'tasks');
      const { stdout } = await run(bin, ['--help'], { cwd: project });
      expect(stdout).toMatch(/Usage: tasks/);
      const prefix = uniquePrefix('install');
      const ping = await run(bin, ['--url', REDIS_URL, '--prefix', prefix, '--json', '--timeout', '300', 'ping'], { cwd: project }).catch((error: { code: number; stdout: string }) => error);
      expect(ping).toMatchObject({ code: 3 });
    }, 60_000);
  });
});
