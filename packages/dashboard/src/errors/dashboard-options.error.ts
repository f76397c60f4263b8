import { DashboardError } from './dashboard-error';

/** An option of `TasksDashboardModule` can not work as given. */
export class DashboardOptionsError extends DashboardError {
  constructor(detail: string) {
    super(`TasksDashboardModule.forRoot(): ${detail}`);
    this.name = 'DashboardOptionsError';
  }
}
