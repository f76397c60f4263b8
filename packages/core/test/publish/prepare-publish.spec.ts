import { InvalidPublishOptionsError, PayloadTooLargeError, SerializationError } from '../../src/errors';
import { preparePublish } from '../../src/publish/prepare-publish';
import { beforeTaskPublish } from '../../src/signals';
import type { PublishOptions } from '../../src/tasks/task-message';
import { TaskRegistry } from '../../src/tasks/task-registry';
import { rejectionOf } from '../support/rejection';
import { uniqueTaskName } from '../support/unique-name';

describe('preparePublish', () => {
  const cleanups: (() => unknown)[] = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  describe('refuses invalid options with an InvalidPublishOptionsError naming the option', () => {
    const cases: [string, PublishOptions, string, string][] = [
      ['priority 0', { priority: 0 }, 'priority', 'got 0'],
      ['a fractional priority', { priority: 1.5 }, 'priority', 'got 1.5'],
      ['a priority above the maximum', { priority: 2_097_153 }, 'priority', 'an integer from 1 to 2097152'],
      ['a negative delayMs', { delayMs: -1 }, 'delayMs', 'got -1'],
      ['a NaN delayMs', { delayMs: Number.NaN }, 'delayMs', 'got NaN'],
      ['an infinite timeLimitMs', { timeLimitMs: Number.POSITIVE_INFINITY }, 'timeLimitMs', 'got Infinity'],
      ['both delayMs and eta', { delayMs: 10, eta: new Date(Date.now() + 1000) }, 'eta', 'either delayMs or eta, not both'],
      ['an invalid Date as eta', { eta: new Date('not a date') }, 'eta', 'got Invalid Date'],
      ['an empty queue', { queue: '' }, 'queue', 'a non-empty queue name without ":"'],
      ['a queue with ":"', { queue: 'emails:high' }, 'queue', 'got "emails:high"'],
      ['an expiresMs of 0', { expiresMs: 0 }, 'expiresMs', 'got 0'],
      ['both expiresMs and expires', { expiresMs: 10, expires: new Date(Date.now() + 1000) }, 'expires', 'not both'],
      ['a timeLimitMs of 0', { timeLimitMs: 0 }, 'timeLimitMs', 'got 0'],
      ['an empty taskId', { taskId: '' }, 'taskId', 'a non-empty string'],
      ['an integer taskId', { taskId: '42' }, 'taskId', 'not an integer'],
      ['a taskId with ":"', { taskId: 'a:b' }, 'taskId', 'has no ":"'],
      ['an eta that is not a Date', { eta: '2030-01-01' as unknown as Date }, 'eta', 'a valid Date'],
      ['headers that are not an object', { headers: 'x' as unknown as PublishOptions['headers'] }, 'headers', 'an object'],
      ['an unknown option name', { delay: 10 } as PublishOptions, 'delay', 'an unknown option name'],
    ];

    it.each(cases)('%s', async (_label, options, option, detail) => {
      const name = uniqueTaskName('publish');

      const error = await rejectionOf(preparePublish(name, [], options));

      expect(error).toBeInstanceOf(InvalidPublishOptionsError);
      expect(error).toMatchObject({ option, taskName: name });
      expect(error.message).toContain(`Invalid option ${option} for task ${name}`);
      expect(error.message).toContain(detail);
    });

    it('before any signal fires', async () => {
      const name = uniqueTaskName('publish');
      const fired: string[] = [];
      cleanups.push(beforeTaskPublish.connect(() => void fired.push('before_task_publish'), { sender: name }));

      const error = await rejectionOf(preparePublish(name, [], { taskId: '42' }));

      expect(error).toBeInstanceOf(InvalidPublishOptionsError);
      expect(fired).toEqual([]);
    });

    it('an empty task name', async () => {
      const error = await rejectionOf(preparePublish('', []));

      expect(error).toMatchObject({ name: 'InvalidPublishOptionsError', option: 'name' });
    });
  });

  it('accepts a task id that starts with digits but is not an integer', async () => {
    await expect(preparePublish(uniqueTaskName('publish'), [], { taskId: '42a-7' })).resolves.toMatchObject({ taskId: '42a-7' });
  });

  it('accepts the bounds of priority and a delay of 0', async () => {
    const name = uniqueTaskName('publish');

    await expect(preparePublish(name, [], { priority: 1, delayMs: 0 })).resolves.toMatchObject({ delayMs: 0 });
    await expect(preparePublish(name, [], { priority: 2_097_152 })).resolves.toMatchObject({ options: { priority: 2_097_152 } });
  });

  it('turns an eta in the past into no delay', async () => {
    const call = await preparePublish(uniqueTaskName('publish'), [], { eta: new Date(Date.now() - 60_000) });

    expect(call.delayMs).toBe(0);
  });

  it('turns an eta in the future into the delay left until then', async () => {
    const before = Date.now();
    const call = await preparePublish(uniqueTaskName('publish'), [], { eta: new Date(before + 60_000) });

    expect(call.delayMs).toBeGreaterThan(59_000);
    expect(call.delayMs).toBeLessThanOrEqual(60_000);
    expect(call.delayMs).toBe(before + 60_000 - call.publishedAt);
  });

  it('resolves expiresMs and expires into an epoch expiresAt', async () => {
    const expires = new Date(Date.now() + 5_000);
    const relative = await preparePublish(uniqueTaskName('publish'), [], { expiresMs: 1_000 });
    const absolute = await preparePublish(uniqueTaskName('publish'), [], { expires });

    expect(relative.expiresAt).toBe(relative.publishedAt + 1_000);
    expect(absolute.expiresAt).toBe(expires.getTime());
  });

  it('takes the queue from the call, else the registered task, else default', async () => {
    const registry = new TaskRegistry();
    const name = uniqueTaskName('publish');
    registry.register(() => undefined, { name, queue: 'emails' });

    expect((await preparePublish(name, [], {}, registry)).queue).toBe('emails');
    expect((await preparePublish(name, [], { queue: 'bulk' }, registry)).queue).toBe('bulk');
    expect((await preparePublish(uniqueTaskName('publish'), [], {}, registry)).queue).toBe('default');
  });

  it('copies the arguments and headers, and makes up a task id', async () => {
    const argument = { tags: ['a'] };
    const headers = { traceId: 'abc' };

    const call = await preparePublish(uniqueTaskName('publish'), [argument], { headers });
    argument.tags.push('changed');
    headers.traceId = 'changed';

    expect(call.args).toEqual([{ tags: ['a'] }]);
    expect(call.headers).toEqual({ traceId: 'abc' });
    expect(call.taskId).toMatch(/^[0-9a-f-]{36}$/);
    expect(call.options.taskId).toBe(call.taskId);
  });

  it('refuses arguments JSON can not carry, naming their path', async () => {
    const error = await rejectionOf(preparePublish(uniqueTaskName('publish'), [1, { when: new Date(0) }]));

    expect(error).toBeInstanceOf(SerializationError);
    expect(error.message).toContain('Cannot send args[1].when: a Date instance is not JSON');
  });

  it('refuses headers a before_task_publish receiver made unserialisable', async () => {
    const name = uniqueTaskName('publish');
    cleanups.push(beforeTaskPublish.connect((event) => void (event.headers.at = new Date(0) as unknown as string), { sender: name }));

    const error = await rejectionOf(preparePublish(name, []));

    expect(error).toMatchObject({ name: 'SerializationError', path: 'headers.at' });
  });

  it('refuses headers given with the call that JSON can not carry, flat or nested', async () => {
    const name = uniqueTaskName('publish');

    expect(await rejectionOf(preparePublish(name, [], { headers: { n: Number.NaN } }))).toMatchObject({ name: 'SerializationError', path: 'headers.n' });
    expect(await rejectionOf(preparePublish(name, [], { headers: { nested: { at: new Date(0) as unknown as string } } }))).toMatchObject({
      name: 'SerializationError',
      path: 'headers.nested.at',
    });
  });

  it('keeps what receivers changed in place, and the taskId of the call', async () => {
    const name = uniqueTaskName('publish');
    cleanups.push(
      beforeTaskPublish.connect(
        (event) => {
          event.headers.tenant = 't1';
          event.options.queue = 'bulk';
          event.options.taskId = 'changed-by-receiver';
          // @ts-expect-error receivers get a copy of the event: assigning a new object would be lost
          event.headers = { lost: true };
        },
        { sender: name },
      ),
    );

    const call = await preparePublish(name, [], { taskId: 'the-id', headers: { a: 1 } });

    expect(call).toMatchObject({ taskId: 'the-id', queue: 'bulk', headers: { a: 1, tenant: 't1' }, options: { taskId: 'the-id' } });
  });

  describe('payload size', () => {
    it('refuses arguments over maxPayloadBytes with PayloadTooLargeError naming size and limit, before any signal', async () => {
      const name = uniqueTaskName('publish');
      const fired: string[] = [];
      cleanups.push(beforeTaskPublish.connect(() => void fired.push('before_task_publish'), { sender: name }));

      const error = await rejectionOf(preparePublish(name, ['é'.repeat(600)], {}, undefined, 1000));

      expect(error).toBeInstanceOf(PayloadTooLargeError);
      expect(error).toMatchObject({ taskName: name, sizeBytes: 1204, limitBytes: 1000 });
      expect(error.message).toMatch(/1204 bytes, over the 1000-byte limit \(maxPayloadBytes\)/);
      expect(fired).toEqual([]);
    });

    it('counts headers a receiver adds', async () => {
      const name = uniqueTaskName('publish');
      cleanups.push(beforeTaskPublish.connect((event) => void (event.headers.blob = 'x'.repeat(2000)), { sender: name }));

      expect(await rejectionOf(preparePublish(name, ['small'], {}, undefined, 1000))).toBeInstanceOf(PayloadTooLargeError);
    });

    it('counts headers given with the call, and accepts them up to the limit', async () => {
      const name = uniqueTaskName('publish');
      const headers = { rootId: 'r'.repeat(40), blob: 'x'.repeat(2000) };

      expect(await rejectionOf(preparePublish(name, ['small'], { headers }, undefined, 1000))).toBeInstanceOf(PayloadTooLargeError);
      const exact = JSON.stringify(['small']).length + JSON.stringify(headers).length;
      await expect(preparePublish(name, ['small'], { headers }, undefined, exact)).resolves.toMatchObject({ headers });
      expect(await rejectionOf(preparePublish(name, ['small'], { headers }, undefined, exact - 1))).toBeInstanceOf(PayloadTooLargeError);
    });

    it('accepts a payload at the limit', async () => {
      await expect(preparePublish(uniqueTaskName('publish'), ['a'.repeat(10)], {}, undefined, 16)).resolves.toMatchObject({ args: ['a'.repeat(10)] });
    });
  });
});
