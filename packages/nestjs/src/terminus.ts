// `@tasks/nestjs/terminus`: the health indicator for @nestjs/terminus, apart from the
// main entry so that apps without terminus never load it.
export { TasksHealthIndicator } from './terminus/tasks.health-indicator';
