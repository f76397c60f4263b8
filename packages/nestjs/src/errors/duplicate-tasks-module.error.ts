import { TasksError } from '@tasks/core';

/**
 * `TasksModule.forRoot()` (or `forRootAsync()`) was imported more than once in one app.
 * The module is global and owns the app's one task registry, executor and worker, so a
 * second one would discover the same tasks again and take the `TaskClient` from the first.
 */
export class DuplicateTasksModuleError extends TasksError {
  /** Each import, e.g. `TasksModule.forRoot() in AppModule (src/app.module.ts:12:13)`. */
  readonly imports: readonly string[];

  constructor(imports: readonly string[]) {
    super(
      `TasksModule is imported ${imports.length} times in one app: ${imports.join('; ')}. ` +
        `An app has one TasksModule (it is global, so every module sees its TaskClient and SignalBus): ` +
        `keep the import in the root module and remove the others. For settings that differ per task, ` +
        `use the @Task() options or TasksModule's \`defaults\`; for another Redis or prefix, run another app.`,
    );
    this.imports = imports;
  }
}
