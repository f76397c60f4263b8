import { Inject, Injectable, type DynamicModule, type Provider, type Type } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { DuplicateTasksModuleError } from './errors/duplicate-tasks-module.error';

/** Where one `TasksModule.forRoot()` / `forRootAsync()` was called, kept on the module it returned. */
export interface TasksImport {
  /** `'TasksModule.forRoot()'` or `'TasksModule.forRootAsync()'`. */
  readonly call: string;
  /** `file:line:column` of the call, relative to the working directory when under it. */
  readonly site: string | undefined;
}

/** Token of the {@link TasksImport} of a TasksModule instance. */
export const TASKS_IMPORT = Symbol('tasks:import');

/**
 * Adds to `module` the place of the call that made it. `caller` is the function the
 * user called (`TasksModule.forRoot`), so that the first stack frame left is the user's.
 */
export function withImportSite(module: DynamicModule, call: string, caller: (...args: never[]) => unknown): DynamicModule {
  const holder: { stack?: string } = {};
  Error.captureStackTrace(holder, caller);
  const tasksImport: TasksImport = { call, site: firstFrame(holder.stack) };
  return { ...module, providers: [...(module.providers ?? []), { provide: TASKS_IMPORT, useValue: tasksImport }] };
}

/**
 * Fails when the app holds more than one TasksModule, naming each import: the module
 * that imports it (when its `@Module()` lists it) and the place of the call.
 */
@Injectable()
export class TasksImportCheck {
  constructor(
    private readonly modules: ModulesContainer,
    @Inject(TASKS_IMPORT) private readonly own: TasksImport,
  ) {}

  /** Throws {@link DuplicateTasksModuleError} if another TasksModule is in the app. */
  assertOnlyOne(): void {
    const found: TasksImport[] = [];
    for (const module of this.modules.values()) {
      const instance: unknown = module.providers.get(TASKS_IMPORT)?.instance;
      if (isTasksImport(instance)) found.push(instance);
    }
    if (found.length <= 1) return;
    // This instance first, the others in the order Nest registered them.
    const ordered = [this.own, ...found.filter((tasksImport) => tasksImport !== this.own)];
    throw new DuplicateTasksModuleError(ordered.map((tasksImport) => this.describe(tasksImport)));
  }

  private describe(tasksImport: TasksImport): string {
    const importer = this.importerOf(tasksImport);
    const where = [importer === undefined ? undefined : `in ${importer}`, tasksImport.site === undefined ? undefined : `(${tasksImport.site})`];
    return [tasksImport.call, ...where.filter((part) => part !== undefined)].join(' ');
  }

  /** The name of the module whose `@Module({ imports })` holds the dynamic module carrying `tasksImport`. */
  private importerOf(tasksImport: TasksImport): string | undefined {
    for (const module of this.modules.values()) {
      const imports: unknown = Reflect.getMetadata('imports', module.metatype);
      if (!Array.isArray(imports)) continue;
      if (imports.some((entry) => carries(entry, tasksImport))) return (module.metatype as Type).name;
    }
    return undefined;
  }
}

function carries(entry: unknown, tasksImport: TasksImport): boolean {
  if (typeof entry !== 'object' || entry === null || !('providers' in entry)) return false;
  const providers = (entry as DynamicModule).providers ?? [];
  return providers.some((provider: Provider) => typeof provider === 'object' && 'useValue' in provider && provider.useValue === tasksImport);
}

function isTasksImport(value: unknown): value is TasksImport {
  return typeof value === 'object' && value !== null && 'call' in value && 'site' in value;
}

/** `file:line:column` of the first frame of a stack, shortened to the working directory. */
function firstFrame(stack: string | undefined): string | undefined {
  const frame = stack?.split('\n').find((line) => line.trimStart().startsWith('at '));
  const location = frame === undefined ? undefined : (/\((.*)\)\s*$/.exec(frame)?.[1] ?? frame.trim().slice('at '.length));
  if (location === undefined) return undefined;
  const path = location.startsWith('file://') ? location.slice('file://'.length) : location;
  const cwd = `${process.cwd()}/`;
  return path.startsWith(cwd) ? path.slice(cwd.length) : path;
}
