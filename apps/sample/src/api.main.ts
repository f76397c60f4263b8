import { Logger } from '@nestjs/common';
import { AppConfig } from './app.config';
import { startApi } from './bootstrap';

// The HTTP API alone: it publishes tasks, and worker processes (worker.main) run them.
async function main(): Promise<void> {
  const { url } = await startApi(AppConfig.fromEnv(), 'api');
  new Logger('Main').log(`Orders API listening on ${url}, tasks go to worker processes`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
