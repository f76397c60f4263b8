import { EagerExecutor } from '../../src/eager/eager-executor';
import type { TaskDefinition, TaskHandler } from '../../src/tasks/task-definition';
import type { TaskHooks } from '../../src/tasks/task-hooks';
import type { TaskOptions } from '../../src/tasks/task-options';
import { TaskRegistry } from '../../src/tasks/task-registry';
import { RecordingHooks, TraceRecorder } from './trace-recorder';
import { uniqueTaskName } from './unique-name';

/** One task with a unique name, run eagerly, its signals and hooks recorded in one list. */
export interface EagerFixture {
  readonly name: string;
  readonly registry: TaskRegistry;
  readonly executor: EagerExecutor;
  readonly recorder: TraceRecorder;
  /** `recorder.steps`: signals, hooks, and `body` for each time the body ran. */
  readonly steps: string[];
  readonly hooks: TaskHooks;
  readonly task: TaskDefinition;
}

/** Makes the hooks of a fixture's task, given the list they should record into. */
export type HooksFactory = (steps: string[]) => TaskHooks;

/**
 * Returns a function that registers `body` under a fresh name with recording hooks
 * (or those `makeHooks` returns), wrapped so that each run records `body`. Every
 * fixture it made is disconnected from the signals after each test.
 */
export function useEagerFixtures(): (body: TaskHandler, options?: TaskOptions, makeHooks?: HooksFactory) => EagerFixture {
  const open: TraceRecorder[] = [];
  afterEach(() => {
    for (const recorder of open.splice(0)) recorder.close();
  });
  return (body, options = {}, makeHooks = (steps) => new RecordingHooks(steps)) => {
    const name = uniqueTaskName('eager');
    const recorder = new TraceRecorder(name);
    open.push(recorder);
    const hooks = makeHooks(recorder.steps);
    const registry = new TaskRegistry();
    const handler = (...args: never[]): unknown => {
      recorder.steps.push('body');
      return body(...args);
    };
    const task = registry.register(handler, { ...options, name, hooks });
    return { name, registry, executor: new EagerExecutor(registry), recorder, steps: recorder.steps, hooks, task };
  };
}
