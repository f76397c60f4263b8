import { TasksError } from './tasks.error';

/**
 * A chain, group or chord that can not be published as given: empty, too large, a
 * signature of an unknown task, or a shape that is not supported. Thrown by `delay()`
 * before anything is sent. `path` names the place in the canvas, e.g. `chain[2]`.
 *
 * @example
 * // message: "Invalid canvas at group: a group needs at least one member; pass one or more signatures."
 */
export class InvalidCanvasError extends TasksError {
  /** Where in the canvas the problem is, e.g. `chain[1].group[0]`. */
  readonly path: string;

  constructor(path: string, problem: string) {
    super(`Invalid canvas at ${path}: ${problem}.`);
    this.path = path;
  }
}
