import { InvalidTaskDefinitionError } from '../errors/invalid-task-definition.error';
import { TASK_METADATA } from '../metadata/constants';
import { TasksMetadata } from '../metadata/tasks-metadata.accessor';
import type { TaskMetadata } from '../metadata/types';
import type { TaskOptions } from '../tasks/task-options';
import { resolveMethodTarget } from './method-target';
import { parseTaskOptions } from './task-options.validation';

const DECORATOR = '@Task()';

/**
 * Marks a provider method as a task that workers run and callers publish by name.
 *
 * The name defaults to `ClassName.methodName` and must be unique across the app.
 * Misuse (a getter, a property, a class, a static method) and invalid options
 * throw an `InvalidTaskDefinitionError` naming the class and method as soon as
 * the class is declared.
 *
 * @param nameOrOptions the task name, or its {@link TaskOptions}.
 *
 * @example
 * ```ts
 * @Injectable()
 * export class EmailTasks {
 *   @Task({ name: 'emails.send', queue: 'emails', maxRetries: 3,
 *           retryBackoff: { type: 'exponential', delayMs: 1000 }, autoretryFor: [SmtpError] })
 *   async send(to: string, subject: string): Promise<string> { … }
 *
 *   @Task()   // named 'EmailTasks.cleanup'
 *   async cleanup(): Promise<void> { … }
 * }
 * ```
 */
export function Task(nameOrOptions?: string | TaskOptions): MethodDecorator {
  return (target: object, propertyKey: string | symbol | undefined, descriptor?: PropertyDescriptor): void => {
    const { className, methodName, method } = resolveMethodTarget(DECORATOR, target, propertyKey, descriptor);
    const parsed = parseTaskOptions(nameOrOptions);
    if ('problem' in parsed) throw new InvalidTaskDefinitionError(className, methodName, parsed.problem, DECORATOR);
    if (TasksMetadata.isTask(method)) {
      throw new InvalidTaskDefinitionError(className, methodName, `${DECORATOR} is applied more than once; keep a single ${DECORATOR}.`, DECORATOR);
    }
    // A frozen copy: later changes to the caller's options object must not alter a declared task.
    const options = Object.freeze({ ...parsed.options });
    const metadata: TaskMetadata = Object.freeze({ name: options.name ?? `${className}.${methodName}`, methodName, options });
    Reflect.defineMetadata(TASK_METADATA, metadata, method);
  };
}
