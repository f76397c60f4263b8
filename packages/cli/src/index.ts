// Public API of @tasks/cli: the `tasks` command, to run from code or tests.
export { run } from './program';
export { ExitCode } from './exit-codes';
