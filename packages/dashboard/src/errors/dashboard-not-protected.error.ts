import { DashboardError } from './dashboard-error';

/** The dashboard was configured with neither a `guard` nor `public: true`. */
export class DashboardNotProtectedError extends DashboardError {
  constructor(path: string) {
    super(
      `TasksDashboardModule.forRoot(): the dashboard at ${path} has no guard, so anyone who reaches the app would see task arguments and results and could revoke tasks. ` +
        'Pass `guard` (a CanActivate class or instance, e.g. one that checks a token or a session), or `public: true` to serve it unprotected on purpose.',
    );
    this.name = 'DashboardNotProtectedError';
  }
}
