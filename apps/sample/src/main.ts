import { Logger } from '@nestjs/common';
import { AppConfig } from './app.config';
import { startApi } from './bootstrap';
import { DASHBOARD_PATH } from './dashboard.guard';

// All in one process: the HTTP API and a worker running the tasks.
async function main(): Promise<void> {
  const { url } = await startApi(AppConfig.fromEnv(), 'all');
  new Logger('Main').log(`Tasks dashboard at ${url}${DASHBOARD_PATH}/ (the DASHBOARD_TOKEN as password, any user name)`);
  new Logger('Main').log(`Orders API listening on ${url}, tasks running in this process`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
