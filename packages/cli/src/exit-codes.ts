/** The exit codes of `tasks`, as documented in the README. */
export const ExitCode = {
  /** Done. */
  ok: 0,
  /** Something failed: Redis unreachable, a task failed under `--wait`, a worker reported an error. */
  error: 1,
  /** The command line was wrong: unknown command or option, bad JSON arguments, missing `--yes`. */
  usage: 2,
  /** Nobody answered: no worker replied within `--timeout`, or no worker heartbeats. */
  nothingAnswered: 3,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
