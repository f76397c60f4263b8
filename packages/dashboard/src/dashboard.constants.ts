/** Injection token of the resolved dashboard options. */
export const DASHBOARD_OPTIONS = Symbol('tasks:dashboard:options');
