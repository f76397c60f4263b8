import { Logger } from '@nestjs/common';
import { AppConfig } from './app.config';
import { startApi } from './bootstrap';
import { DASHBOARD_PATH } from './dashboard.guard';

// The HTTP API alone: it publishes tasks, and worker processes (worker.main) run them.
async function main(): Promise<void> {
  const { url } = await startApi(AppConfig.fromEnv(), 'api');
  new Logger('Main').log(`Tasks dashboard at ${url}${DASHBOARD_PATH}/ (the DASHBOARD_TOKEN as password, any user name)`);
  new Logger('Main').log(`Orders API listening on ${url}, tasks go to worker processes`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
