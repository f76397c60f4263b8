import type { INestApplication, INestApplicationContext, NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Server } from 'node:http';
import type { AppConfig } from './app.config';
import { AppModule } from './app.module';
import { BOARD_PATH, QueuesBoard } from './queues.board';

/** Where Nest's logs go: its default logger unless told otherwise. */
export type LoggerOption = NestApplicationOptions['logger'];

export interface StartedApi {
  app: INestApplication;
  /** Where it listens, e.g. `http://127.0.0.1:3000`. */
  url: string;
}

/**
 * Starts the HTTP API on `config.port` (0: a free port), with a worker in-process for role `all`,
 * and bull-board at `/queues`.
 */
export async function startApi(config: AppConfig, role: 'all' | 'api', logger?: LoggerOption): Promise<StartedApi> {
  const app = await NestFactory.create(AppModule.forRoot({ config, role }), { abortOnError: false, ...(logger === undefined ? {} : { logger }) });
  app.enableShutdownHooks();
  app.use(BOARD_PATH, app.get(QueuesBoard).router());
  try {
    await app.listen(config.port);
  } catch (error) {
    await app.close();
    throw error;
  }
  const address = (app.getHttpServer() as Server).address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  return { app, url: `http://127.0.0.1:${port}` };
}

/** Starts a worker process: it runs tasks and serves no HTTP. */
export async function startWorker(config: AppConfig, logger?: LoggerOption): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(AppModule.forRoot({ config, role: 'worker' }), {
    abortOnError: false,
    ...(logger === undefined ? {} : { logger }),
  });
  app.enableShutdownHooks();
  try {
    await app.init();
  } catch (error) {
    await app.close();
    throw error;
  }
  return app;
}
