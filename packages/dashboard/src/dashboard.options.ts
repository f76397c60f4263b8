import type { CanActivate, Type } from '@nestjs/common';
import { DashboardNotProtectedError } from './errors/dashboard-not-protected.error';
import { DashboardOptionsError } from './errors/dashboard-options.error';

/** Options of `TasksDashboardModule.forRoot()` / `forRootAsync()`. */
export interface TasksDashboardOptions {
  /** Where the dashboard is served, from the root of the HTTP server (a global prefix does not apply). Default: `'/tasks'`. */
  path?: string;
  /**
   * Who may see and use the dashboard: a Nest `CanActivate` instance, or class (taken
   * from the app's providers when it is one, so it gets the app's dependencies; else
   * created with the dashboard module's injector, which sees global providers). It runs for every page, API and event-stream
   * request; a refusal answers 403 (or the status of the `HttpException` it throws).
   */
  guard?: Type<CanActivate> | CanActivate;
  /** Show only: no revoke, terminate, retry or "run now". Default: false. */
  readOnly?: boolean;
  /**
   * Serve without a guard. Without a `guard` the app refuses to start unless this is
   * `true`: task arguments and results are often private.
   */
  public?: boolean;
  /** Tasks kept in memory for the lists and timelines (oldest forgotten first). Default: 5000. */
  maxTasks?: number;
}

/** The options with their defaults, checked. */
export interface ResolvedDashboardOptions {
  readonly path: string;
  readonly guard: Type<CanActivate> | CanActivate | undefined;
  readonly readOnly: boolean;
  readonly public: boolean;
  readonly maxTasks: number;
}

export const DASHBOARD_DEFAULTS = { path: '/tasks', readOnly: false, maxTasks: 5000 } as const;

/** A path of plain URL characters: it is written into the page and into routes. */
const PATH_SHAPE = /^(\/[A-Za-z0-9._~-]+)+$/;

/** Merges the defaults and checks the options; throws a named error on what can not work. */
export function resolveDashboardOptions(options: TasksDashboardOptions = {}): ResolvedDashboardOptions {
  const path = (options.path ?? DASHBOARD_DEFAULTS.path).replace(/\/+$/, '');
  if (!PATH_SHAPE.test(path)) {
    throw new DashboardOptionsError(`path must start with "/" and hold only letters, digits and ". _ ~ -" between slashes, got ${JSON.stringify(options.path)}; use e.g. '/tasks'.`);
  }
  const guard = options.guard;
  if (guard !== undefined && typeof guard !== 'function' && typeof (guard as Partial<CanActivate>).canActivate !== 'function') {
    throw new DashboardOptionsError('guard must be a CanActivate class or an object with a canActivate(context) method.');
  }
  if (guard === undefined && options.public !== true) throw new DashboardNotProtectedError(path);
  const maxTasks = options.maxTasks ?? DASHBOARD_DEFAULTS.maxTasks;
  if (!Number.isInteger(maxTasks) || maxTasks < 1) throw new DashboardOptionsError(`maxTasks must be a positive integer, got ${String(maxTasks)}.`);
  return { path, guard, readOnly: options.readOnly ?? DASHBOARD_DEFAULTS.readOnly, public: options.public === true, maxTasks };
}
