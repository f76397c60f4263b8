let counter = 0;

/** A task name no other test uses: signals are process-wide and filtered by task name. */
export function uniqueTaskName(prefix: string): string {
  counter += 1;
  return `${prefix}.${counter}`;
}
