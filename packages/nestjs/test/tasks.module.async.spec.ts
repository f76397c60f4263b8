import { TaskClient, TasksModule } from '@tasks/nestjs';
import { AuditLog } from './fixtures/audit.listener';
import { AuditModule } from './fixtures/audit.module';
import { AppConfig, ConfigModule, TasksConfig } from './fixtures/config.module';
import { EmailModule } from './fixtures/email.module';
import { Mailer } from './fixtures/mailer.service';
import { startApp } from './support/start-app';

// AppConfig asks for eager mode, a dead Redis port and `defaults: { maxRetries: 3 }`.
// EmailTasks#send retries on SmtpError, so a mailer failing twice shows the defaults applied.
const configured = {
  useFactory: TasksModule.forRootAsync({
    imports: [ConfigModule],
    inject: [AppConfig],
    useFactory: (config: AppConfig) => ({
      eager: config.runTasksInline,
      connection: config.redisUrl,
      defaults: { maxRetries: config.emailRetries },
    }),
  }),
  useClass: TasksModule.forRootAsync({ imports: [ConfigModule], useClass: TasksConfig }),
  useExisting: TasksModule.forRootAsync({ imports: [ConfigModule], useExisting: TasksConfig }),
};

describe('TasksModule.forRootAsync()', () => {
  it.each(Object.entries(configured))('takes its options from injected providers with %s', async (_how, tasksModule) => {
    const app = await startApp({ imports: [tasksModule, EmailModule, AuditModule] });
    try {
      app.get(Mailer).failNext(2);
      const result = await app.get(TaskClient).delay('emails.send', 'ada@example.com', 'hi');

      await expect(result.get()).resolves.toBe('queued for ada@example.com');
      expect(app.get(AuditLog).signals('taskLifecycle', result.id).filter((s) => s === 'task_retry')).toHaveLength(2);
    } finally {
      await app.close();
    }
  });
});
