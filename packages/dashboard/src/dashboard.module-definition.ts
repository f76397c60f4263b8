import { ConfigurableModuleBuilder, type ConfigurableModuleOptionsFactory } from '@nestjs/common';
import type { TasksDashboardOptions } from './dashboard.options';

const FACTORY_METHOD = 'createDashboardOptions';

/** `TasksDashboardModule.forRoot()` / `forRootAsync()` come from this builder. */
export const { ConfigurableModuleClass: ConfigurableDashboardModule, MODULE_OPTIONS_TOKEN: DASHBOARD_MODULE_OPTIONS, ASYNC_OPTIONS_TYPE } =
  new ConfigurableModuleBuilder<TasksDashboardOptions>({ moduleName: 'TasksDashboard' })
    .setClassMethodName('forRoot')
    .setFactoryMethodName(FACTORY_METHOD)
    .build();

/** A class that `TasksDashboardModule.forRootAsync({ useClass })` instantiates to get the options. */
export type DashboardOptionsFactory = ConfigurableModuleOptionsFactory<TasksDashboardOptions, typeof FACTORY_METHOD>;

/** Options of `TasksDashboardModule.forRootAsync()`: `imports`, `inject` and one of `useFactory`, `useClass`, `useExisting`. */
export type TasksDashboardAsyncOptions = typeof ASYNC_OPTIONS_TYPE;
