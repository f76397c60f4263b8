// Public API of @tasks/dashboard.
export { TasksDashboardModule } from './dashboard.module';
export type { DashboardOptionsFactory, TasksDashboardAsyncOptions } from './dashboard.module-definition';
export type { TasksDashboardOptions } from './dashboard.options';
export { DashboardError, DashboardNotProtectedError, DashboardOptionsError } from './errors';
export type * from './api-types';
