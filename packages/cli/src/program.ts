import { RedisConnectionError } from '@tasks/core';
import { Command, CommanderError } from 'commander';
import { call } from './commands/call';
import { events } from './commands/events';
import { inspect, INSPECT_TARGETS } from './commands/inspect';
import { ping } from './commands/ping';
import { purge } from './commands/purge';
import { result } from './commands/result';
import { revoke } from './commands/revoke';
import { listSchedules } from './commands/schedules';
import { workers } from './commands/workers';
import { CliContext, DEFAULT_TIMEOUT_MS, type GlobalOptions } from './context';
import { NothingAnsweredError } from './errors/nothing-answered.error';
import { UsageError } from './errors/usage.error';
import { ExitCode } from './exit-codes';

type Handler = (context: CliContext, ...args: never[]) => Promise<void>;

/**
 * Runs the `tasks` command with `argv` (without `node` and the script) and
 * resolves with its exit code; see {@link ExitCode}.
 *
 * @example
 * process.exitCode = await run(['ping', '--prefix', 'shop']);
 */
export async function run(argv: readonly string[], stop: Promise<void> = new Promise(() => undefined)): Promise<ExitCode> {
  const opened: CliContext[] = [];
  const program = buildProgram((handler) => async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    const options = command.optsWithGlobals<GlobalOptions>();
    const given = new Set((Object.keys(options) as Array<keyof GlobalOptions>).filter((name) => command.getOptionValueSourceWithGlobals(name) === 'cli'));
    const context = new CliContext(options, given);
    opened.push(context);
    await (handler as (context: CliContext, ...rest: unknown[]) => Promise<void>)(context, ...args.slice(0, -1), stop);
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ExitCode.ok;
  } catch (error) {
    return report(error);
  } finally {
    await Promise.all(opened.map((context) => context.close().catch(() => undefined)));
  }
}

function report(error: unknown): ExitCode {
  if (error instanceof CommanderError) {
    // Commander already printed its message (and the usage, for help).
    return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help' ? ExitCode.ok : ExitCode.usage;
  }
  if (error instanceof UsageError) {
    process.stderr.write(`error: ${error.message}\n(run 'tasks --help' for usage)\n`);
    return ExitCode.usage;
  }
  if (error instanceof NothingAnsweredError) {
    process.stderr.write(`${error.message}\n`);
    return ExitCode.nothingAnswered;
  }
  if (error instanceof RedisConnectionError) {
    // The library's advice names its `connection` option; here the connection comes from the flags.
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
    const what = error.reason === undefined ? `Could not connect to Redis at ${error.target} within ${error.timeoutMs} ms${cause}` : `Could not use Redis at ${error.target}: ${error.reason}`;
    process.stderr.write(`error: ${error.name}: ${what}.\nStart that Redis, or point the command at yours with --url <redis://…> (or REDIS_URL), or --cluster for a Redis Cluster.\n`);
    return ExitCode.error;
  }
  const failure = error instanceof Error ? error : new Error(String(error));
  process.stderr.write(`error: ${failure.name}: ${failure.message}\n`);
  // A cluster node given as --url answers commands for slots it does not hold with a redirection.
  if (/^(MOVED|ASK) \d+ /.test(failure.message)) process.stderr.write('The Redis of --url is a node of a Redis Cluster: give its nodes with --cluster <host:port,...> instead of --url.\n');
  return ExitCode.error;
}

function buildProgram(action: (handler: Handler) => (...args: unknown[]) => Promise<void>): Command {
  const program = new Command('tasks')
    .description('Inspect and control task workers, tail task events, call tasks and read results, on one Redis (or Redis Cluster) and prefix.')
    .option('--url <url>', 'Redis URL, else $REDIS_URL', process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')
    .option('--cluster <host:port,...>', 'a Redis Cluster instead: some of its nodes (the others are discovered); not with --url')
    .option('--shard-by-queue', 'with --cluster: the application shards by queue (cluster.shardByQueue)', false)
    .option('--prefix <prefix>', 'key prefix of the application', 'tasks')
    .option('--json', 'machine-readable output (JSON; one line per event for events)', false)
    .option('--timeout <ms>', 'how long to wait for replies', String(DEFAULT_TIMEOUT_MS))
    .exitOverride()
    .showSuggestionAfterError()
    .addHelpText('after', '\nExit codes: 0 ok, 1 error, 2 usage error, 3 nothing answered.');
  program.command('ping').description('list the workers that answer, with their latency').action(action(ping as Handler));
  program
    .command('inspect <what>')
    .description(`what each worker holds or knows: ${INSPECT_TARGETS.join(' | ')}`)
    .action(action(inspect as Handler));
  program.command('workers').description('the workers that heartbeat, with the age of their last heartbeat').action(action(workers as Handler));
  program
    .command('events')
    .description('print the task events the stream keeps, one per line')
    .option('--task <id-or-name>', 'only the events of this task id or task name')
    .option('--follow', 'keep printing new events until interrupted (asks the workers to publish)')
    .action(action(events as Handler));
  program
    .command('call <name> [json-args]')
    .description('publish a task; json-args is a JSON array of arguments')
    .option('--queue <queue>', "queue to publish to (default: the task's queue, as the workers report it)")
    .option('--delay <ms>', 'start no earlier than this many milliseconds from now')
    .option('--wait', 'wait for the result and print it (up to --timeout, default 30 s)')
    .action(action(call as Handler));
  program
    .command('result <id>')
    .description("a task's state, and its result or error")
    .option('--wait', 'wait until it has one (up to --timeout, default 30 s)')
    .action(action(result as Handler));
  program
    .command('revoke <id>')
    .description('revoke a task so that it never runs')
    .option('--terminate', 'also abort it if it is running')
    .action(action(revoke as Handler));
  program
    .command('purge <queue>')
    .description('delete every waiting and delayed task of a queue')
    .option('--yes', 'confirm the deletion')
    .action(action(purge as Handler));
  program
    .command('schedules')
    .description('periodic tasks')
    .command('list')
    .description('the schedules of the prefix, with their next and last ticks')
    .action(action(listSchedules as Handler));
  return program;
}

