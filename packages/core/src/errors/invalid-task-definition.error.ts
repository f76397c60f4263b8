import { TasksError } from './tasks.error';

/**
 * `@Task()` or `@OnSignal()` was used where it can not work (a getter, a property,
 * a class, a static method) or was given invalid options. Thrown when the class
 * is declared, so the mistake surfaces before anything starts.
 */
export class InvalidTaskDefinitionError extends TasksError {
  /** Name of the decorated class. */
  readonly className: string;
  /** Decorated member, empty when the decorator was put on the class itself. */
  readonly member: string;
  /** What is wrong and how to fix it. */
  readonly reason: string;
  /** The decorator at fault, e.g. `'@Task()'` or `'@OnSignal()'`. */
  readonly decorator: string;

  constructor(className: string, member: string, reason: string, decorator = '@Task()') {
    const at = member === '' ? className : `${className}.${member}`;
    super(`${decorator} on ${at}: ${reason}`);
    this.className = className;
    this.member = member;
    this.reason = reason;
    this.decorator = decorator;
  }
}
