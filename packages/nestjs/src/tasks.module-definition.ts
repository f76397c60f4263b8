import { ConfigurableModuleBuilder, type ConfigurableModuleOptionsFactory, type FactoryProvider, type ModuleMetadata, type Type } from '@nestjs/common';
import type { TasksModuleOptions } from './tasks.options';

const FACTORY_METHOD = 'createTasksOptions';

/**
 * `TasksModule.forRoot()` / `forRootAsync()` come from this builder. The module
 * is always global: there is one task registry and one executor per app.
 */
export const { ConfigurableModuleClass: ConfigurableTasksModule, MODULE_OPTIONS_TOKEN: TASKS_MODULE_OPTIONS } =
  new ConfigurableModuleBuilder<TasksModuleOptions>({ moduleName: 'Tasks' })
    .setClassMethodName('forRoot')
    .setFactoryMethodName(FACTORY_METHOD)
    .setExtras({}, (definition) => ({ ...definition, global: true }))
    .build();

/**
 * A class that `TasksModule.forRootAsync({ useClass })` instantiates to get the options.
 *
 * @example
 * @Injectable()
 * class TasksConfig implements TasksOptionsFactory {
 *   constructor(private readonly config: ConfigService) {}
 *   createTasksOptions(): TasksModuleOptions { return { connection: this.config.get('REDIS_URL') }; }
 * }
 */
export type TasksOptionsFactory = ConfigurableModuleOptionsFactory<TasksModuleOptions, typeof FACTORY_METHOD>;

/**
 * Options of `TasksModule.forRootAsync()`: `imports`, and one of `useFactory`
 * (with `inject`), `useClass` or `useExisting`.
 */
export interface TasksModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  /** Returns the options; gets the providers listed in `inject`, in order. */
  useFactory?: (...args: never[]) => TasksModuleOptions | Promise<TasksModuleOptions>;
  /** Providers given to `useFactory`. */
  inject?: FactoryProvider['inject'];
  /** A class instantiated in the module to produce the options. */
  useClass?: Type<TasksOptionsFactory>;
  /** An existing provider (from `imports`) that produces the options. */
  useExisting?: Type<TasksOptionsFactory>;
}
