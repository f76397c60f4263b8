export { DashboardError } from './dashboard-error';
export { DashboardNotProtectedError } from './dashboard-not-protected.error';
export { DashboardOptionsError } from './dashboard-options.error';
