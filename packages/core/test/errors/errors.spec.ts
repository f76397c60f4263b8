import {
  DuplicateTaskError,
  InvalidTaskDefinitionError,
  InvalidTaskMessageError,
  MaxRetriesExceededError,
  RedisConnectionError,
  RetryError,
  SerializationError,
  SignalAlreadyDefinedError,
  TaskContextError,
  TaskFailedError,
  TaskRevokedError,
  TasksError,
  TaskTimeoutError,
  TimeLimitExceededError,
  UnknownSignalError,
  UnknownTaskError,
  WorkerLostError,
} from '../../src/errors';

describe('errors', () => {
  // Each row: an instance, its expected name, and fragments its message must contain.
  const cases: Array<[TasksError, string, string[]]> = [
    [new TasksError('boom'), 'TasksError', ['boom']],
    [
      new InvalidTaskDefinitionError('EmailTasks', 'send', 'it is a getter'),
      'InvalidTaskDefinitionError',
      ['@Task() on EmailTasks.send', 'it is a getter'],
    ],
    [new SignalAlreadyDefinedError('order_placed'), 'SignalAlreadyDefinedError', ['"order_placed"', 'pick another name', 'import the existing']],
    [new UnknownSignalError('order_placd', 'Audit#placed'), 'UnknownSignalError', ['"order_placd"', 'Audit#placed', "defineSignal('order_placd')", 'fix the name']],
    [
      new DuplicateTaskError('emails.send', 'EmailTasks#send', 'MailTasks#send'),
      'DuplicateTaskError',
      ['"emails.send"', 'EmailTasks#send', 'MailTasks#send', '@Task({ name'],
    ],
    [new UnknownTaskError('emails.sned', 'job-1'), 'UnknownTaskError', ['"emails.sned"', 'job-1', 'Check the name', "worker's module"]],
    [
      new SerializationError('args[1].when', 'a Date instance is not JSON; pass a string or number instead'),
      'SerializationError',
      ['Cannot send args[1].when: a Date instance is not JSON; pass a string or number instead'],
    ],
    [new RetryError({ delayMs: 500, cause: new Error('smtp down') }), 'RetryError', ['Retry in 500ms', 'smtp down']],
    [new MaxRetriesExceededError('emails.send', 'job-2', 3), 'MaxRetriesExceededError', ['emails.send[job-2]', '(3)', 'maxRetries']],
    [new TaskTimeoutError('job-3', 5000), 'TaskTimeoutError', ['job-3', '5000ms', 'still be running', 'timeoutMs']],
    [new TaskContextError(), 'TaskContextError', ['TaskContext.current()', 'outside a running task', 'task body']],
    [new TimeLimitExceededError('emails.send', 'job-4', 30_000), 'TimeLimitExceededError', ['emails.send[job-4]', '30000ms', 'timeLimitMs']],
    [new WorkerLostError('emails.send', 'job-5'), 'WorkerLostError', ['emails.send[job-5]', 'worker', 'died', 'stalled']],
    [new TaskRevokedError('job-6', 'expired'), 'TaskRevokedError', ['job-6', 'revoked (expired)']],
    [new RedisConnectionError('redis://127.0.0.1:6390', 2000), 'RedisConnectionError', ['redis://127.0.0.1:6390', '2000ms', 'Start Redis', '`connection`', '`connectTimeoutMs`']],
    [new InvalidTaskMessageError('data.args is not an array'), 'InvalidTaskMessageError', ['data.args is not an array', 'TaskClient']],
  ];

  it.each(cases)('%p is a TasksError and an Error with its own name', (error, name) => {
    expect(error).toBeInstanceOf(TasksError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe(name);
    expect(error.stack).toContain(error.message.split('\n')[0]);
  });

  it.each(cases)('%p has a message naming its data', (error, _name, fragments) => {
    for (const fragment of fragments) expect(error.message).toContain(fragment);
  });

  it('keeps the data in readonly fields', () => {
    const invalid = new InvalidTaskDefinitionError('Audit', 'placed', 'bad', '@OnSignal()');
    expect(invalid).toMatchObject({ className: 'Audit', member: 'placed', reason: 'bad', decorator: '@OnSignal()' });
    expect(invalid.message).toBe('@OnSignal() on Audit.placed: bad');
    expect(new InvalidTaskDefinitionError('EmailTasks', '', 'not a class').message).toBe('@Task() on EmailTasks: not a class');
    expect(new SerializationError('args[0]', 'x')).toMatchObject({ path: 'args[0]', reason: 'x' });
    expect(new DuplicateTaskError('t', 'A#a', 'B#b')).toMatchObject({ taskName: 't', first: 'A#a', second: 'B#b' });
    expect(new UnknownSignalError('s')).toMatchObject({ signalName: 's', where: undefined });
    expect(new UnknownTaskError('t')).toMatchObject({ taskName: 't', taskId: undefined });
    expect(new MaxRetriesExceededError('t', 'id', 2)).toMatchObject({ taskName: 't', taskId: 'id', maxRetries: 2 });
    expect(new TaskTimeoutError('id', 10)).toMatchObject({ taskId: 'id', timeoutMs: 10 });
    expect(new TimeLimitExceededError('t', 'id', 10)).toMatchObject({ taskName: 't', taskId: 'id', limitMs: 10 });
    expect(new WorkerLostError('t', 'id')).toMatchObject({ taskName: 't', taskId: 'id' });
    expect(new TaskRevokedError('id', 'terminated')).toMatchObject({ taskId: 'id', reason: 'terminated' });
    expect(new RedisConnectionError('localhost:6390', 10)).toMatchObject({ target: 'localhost:6390', timeoutMs: 10 });
    expect(new InvalidTaskMessageError('r')).toMatchObject({ reason: 'r' });
  });

  it('keeps the cause where one is given, and adds none otherwise', () => {
    const cause = new Error('ECONNREFUSED');
    expect(new TasksError('x', { cause }).cause).toBe(cause);
    expect(new RedisConnectionError('redis://localhost', 100, { cause }).cause).toBe(cause);
    expect(new InvalidTaskMessageError('bad json', { cause }).cause).toBe(cause);
    expect(new RetryError({ cause }).cause).toBe(cause);
    expect('cause' in new TasksError('x')).toBe(false);
    expect('cause' in new RetryError({ delayMs: 1 })).toBe(false);
  });

  it('RetryError carries the delay and reads well without a delay or cause', () => {
    expect(new RetryError({ delayMs: 250 }).delayMs).toBe(250);
    const bare = new RetryError({});
    expect(bare.delayMs).toBeUndefined();
    expect(bare.message).toMatch(/^Retry requested/);
    expect(bare.message).toContain('TaskContext.retry()');
  });

  it('TaskContextError accepts a custom message', () => {
    expect(new TaskContextError('not here').message).toBe('not here');
  });

  it('RedisConnectionError masks a password in the target', () => {
    const error = new RedisConnectionError('redis://default:s3cret@cache:6390/0', 1000);
    expect(error.message).toContain('redis://default:***@cache:6390/0');
    expect(error.message).not.toContain('s3cret');
    expect(error.target).toBe('redis://default:***@cache:6390/0');
  });

  describe('TaskFailedError', () => {
    const remoteStack = 'SmtpError: mailbox full\n    at send (email.tasks.ts:12:11)';
    const error = new TaskFailedError('SmtpError', 'mailbox full', { taskId: 'job-7', taskName: 'emails.send', remoteStack });

    it('takes the name and message of the task error', () => {
      expect(error.name).toBe('SmtpError');
      expect(error.message).toBe('mailbox full');
      expect(String(error)).toBe('SmtpError: mailbox full');
    });

    it('is still a TaskFailedError and a TasksError', () => {
      expect(error).toBeInstanceOf(TaskFailedError);
      expect(error).toBeInstanceOf(TasksError);
      expect(error).toBeInstanceOf(Error);
    });

    it('keeps the task id, task name and remote stack', () => {
      expect(error).toMatchObject({ taskId: 'job-7', taskName: 'emails.send', remoteName: 'SmtpError', remoteStack });
      const minimal = new TaskFailedError('Error', 'x', { taskId: 'job-8' });
      expect(minimal.taskName).toBeUndefined();
      expect(minimal.remoteStack).toBeUndefined();
    });
  });
});
