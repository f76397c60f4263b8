import { Logger } from '@nestjs/common';
import { AppConfig } from './app.config';
import { startWorker } from './bootstrap';

// A worker process: runs the tasks the API publishes. Start as many as you like.
async function main(): Promise<void> {
  await startWorker(AppConfig.fromEnv());
  new Logger('Main').log('Worker ready, taking tasks');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
