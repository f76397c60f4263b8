import { Module, type DynamicModule } from '@nestjs/common';
import { TasksDashboardModule } from '@tasks/dashboard';
import { TasksModule } from '@tasks/nestjs';
import { AppConfig } from './app.config';
import { AuditListener } from './audit.listener';
import { BillingTasks } from './billing.tasks';
import { DASHBOARD_PATH, DashboardTokenGuard } from './dashboard.guard';
import { EmailTasks } from './emails.tasks';
import { FulfilmentTasks } from './fulfilment.tasks';
import { OrderFlowListener } from './order-flow.listener';
import { OrdersController } from './orders.controller';
import { OrdersRepository } from './orders.repository';
import { OrdersService } from './orders.service';
import { PaymentGateway } from './payment-gateway';
import { QueuesBoard } from './queues.board';
import { ReportTasks } from './reports.tasks';
import { StockTasks } from './stock.tasks';
import { WorkerLifecycleListener } from './worker-lifecycle.listener';

/**
 * What a process of the service does: `all` serves HTTP and runs tasks,
 * `api` serves HTTP and leaves tasks to `worker` processes, which serve no HTTP.
 */
export type AppRole = 'all' | 'api' | 'worker';

export interface AppModuleOptions {
  config: AppConfig;
  role: AppRole;
  /** Run tasks inline in the caller, without queues: for tests. Default: false. */
  eager?: boolean;
}

/**
 * The order service. Every process registers the same providers, so each one
 * has the tasks (an API publishes them by class, with `TaskClient.ref()`) and
 * the listeners of the signals that fire in it.
 */
@Module({})
export class AppModule {
  static forRoot({ config, role, eager = false }: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        TasksModule.forRoot({
          connection: config.redisUrl,
          prefix: config.prefix,
          worker: role === 'api' ? false : { concurrency: 5 },
          eager,
        }),
        // The live dashboard, next to bull-board, for the processes that serve HTTP.
        ...(role === 'worker' || eager ? [] : [TasksDashboardModule.forRoot({ path: DASHBOARD_PATH, guard: DashboardTokenGuard })]),
      ],
      controllers: role === 'worker' ? [] : [OrdersController],
      providers: [
        { provide: AppConfig, useValue: config },
        OrdersRepository,
        // Listeners run in the order they are connected, which is this order: the
        // audit hears each signal before the listeners that act on it.
        AuditListener,
        OrdersService,
        OrderFlowListener,
        PaymentGateway,
        BillingTasks,
        EmailTasks,
        ReportTasks,
        StockTasks,
        FulfilmentTasks,
        WorkerLifecycleListener,
        ...(role === 'worker' || eager ? [] : [QueuesBoard, DashboardTokenGuard]),
      ],
    };
  }
}
