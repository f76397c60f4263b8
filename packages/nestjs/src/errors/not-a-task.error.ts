import { TasksError } from '@tasks/core';

/** `TaskClient.ref(Class, 'method')` named a method that carries no `@Task()`. */
export class NotATaskError extends TasksError {
  /** The class given to `ref()`. */
  readonly className: string;
  /** The method given to `ref()`. */
  readonly methodName: string;

  constructor(className: string, methodName: string) {
    super(
      `TaskClient.ref(${className}, '${methodName}'): ${className}#${methodName} is not a task. ` +
        `Decorate it with @Task(), or pass a method that has @Task().`,
    );
    this.className = className;
    this.methodName = methodName;
  }
}
