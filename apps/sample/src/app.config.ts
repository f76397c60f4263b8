/** The dashboard token when `DASHBOARD_TOKEN` is not set: fine on a laptop, to be replaced anywhere else. */
export const DEFAULT_DASHBOARD_TOKEN = 'dev-dashboard-token';

/** Settings of the order service, read from the environment. */
export class AppConfig {
  constructor(
    /** Redis for the task queues and for orders and timelines (`REDIS_URL`). */
    readonly redisUrl: string,
    /**
     * Prefix of every Redis key the service writes, task queues included (`SAMPLE_PREFIX`).
     * Processes that share a prefix share orders and queues; tests use one of their own.
     */
    readonly prefix: string,
    /** HTTP port of the API (`PORT`); 0 picks a free one. */
    readonly port: number,
    /**
     * What the dashboard at `/tasks` asks for (`DASHBOARD_TOKEN`): an `Authorization: Bearer <token>`
     * header, or any user name with the token as password when the browser asks.
     */
    readonly dashboardToken: string = DEFAULT_DASHBOARD_TOKEN,
  ) {
    if (dashboardToken === '') throw new Error('DASHBOARD_TOKEN must not be empty.');
  }

  static fromEnv(env: NodeJS.ProcessEnv = process.env): AppConfig {
    const port = Number(env.PORT ?? 3000);
    if (!Number.isInteger(port) || port < 0) throw new Error(`PORT must be a port number, got ${JSON.stringify(env.PORT)}.`);
    return new AppConfig(env.REDIS_URL ?? 'redis://127.0.0.1:6379', env.SAMPLE_PREFIX ?? 'sample', port, env.DASHBOARD_TOKEN ?? DEFAULT_DASHBOARD_TOKEN);
  }
}
