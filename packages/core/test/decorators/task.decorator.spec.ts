import { Task } from '../../src/decorators';
import { InvalidTaskDefinitionError } from '../../src/errors';
import { TasksMetadata } from '../../src/metadata';
import type { TaskOptions } from '../../src/tasks/task-options';

// `Task()` is typed as a MethodDecorator; these casts let a test misuse it the way
// plain JavaScript (or a stray `@ts-ignore`) could.
const asClassDecorator = (decorator: MethodDecorator) => decorator as unknown as ClassDecorator;
const asPropertyDecorator = (decorator: MethodDecorator) => decorator as unknown as PropertyDecorator;

class SmtpError extends Error {}

/** Declares `EmailTasks.send` with the given options, returning the error it throws, if any. */
function declareWith(options: TaskOptions | string): unknown {
  try {
    class EmailTasks {
      @Task(options)
      send(): void {}
    }
    return EmailTasks;
  } catch (error) {
    return error;
  }
}

describe('@Task()', () => {
  describe('metadata', () => {
    class EmailTasks {
      @Task()
      send(_to: string): string {
        return 'sent';
      }

      @Task('emails.digest')
      digest(): void {}

      @Task({ name: 'emails.bulk', queue: 'emails', maxRetries: 3, retryBackoff: { type: 'exponential', delayMs: 1000 }, autoretryFor: [SmtpError], timeLimitMs: 30_000, rateLimit: '100/m' })
      bulk(): void {}

      @Task({ queue: 'reports' })
      report(): void {}

      @Task()
      [Symbol.for('cleanup')](): void {}

      helper(): void {}
    }

    it('defaults the name to ClassName.methodName', () => {
      expect(TasksMetadata.getTaskMetadata(EmailTasks.prototype.send)).toEqual({ name: 'EmailTasks.send', methodName: 'send', options: {} });
    });

    it('takes an explicit name string', () => {
      expect(TasksMetadata.getTaskMetadata(EmailTasks.prototype.digest)).toEqual({
        name: 'emails.digest',
        methodName: 'digest',
        options: { name: 'emails.digest' },
      });
    });

    it('keeps an options object as given', () => {
      expect(TasksMetadata.getTaskMetadata(EmailTasks.prototype.bulk)).toEqual({
        name: 'emails.bulk',
        methodName: 'bulk',
        options: {
          name: 'emails.bulk',
          queue: 'emails',
          maxRetries: 3,
          retryBackoff: { type: 'exponential', delayMs: 1000 },
          autoretryFor: [SmtpError],
          timeLimitMs: 30_000,
          rateLimit: '100/m',
        },
      });
    });

    it('resolves the default name when options have no name', () => {
      expect(TasksMetadata.getTaskMetadata(EmailTasks.prototype.report)).toMatchObject({ name: 'EmailTasks.report', options: { queue: 'reports' } });
    });

    it('names a symbol-keyed method with String(key)', () => {
      const method = (EmailTasks.prototype as unknown as Record<symbol, unknown>)[Symbol.for('cleanup')];
      expect(TasksMetadata.getTaskMetadata(method)).toMatchObject({ name: 'EmailTasks.Symbol(cleanup)', methodName: 'Symbol(cleanup)' });
    });

    it('marks only decorated methods as tasks', () => {
      expect(TasksMetadata.isTask(EmailTasks.prototype.send)).toBe(true);
      expect(TasksMetadata.isTask(EmailTasks.prototype.helper)).toBe(false);
    });

    it('leaves the method itself untouched', () => {
      expect(new EmailTasks().send('a@b.c')).toBe('sent');
    });

    it('is not affected by later changes to the options object', () => {
      const options: TaskOptions = { name: 'mutable.task', maxRetries: 1 };
      class Mutable {
        @Task(options)
        run(): void {}
      }
      options.maxRetries = 99;
      options.name = 'renamed';
      expect(TasksMetadata.getTaskMetadata(Mutable.prototype.run)).toEqual({ name: 'mutable.task', methodName: 'run', options: { name: 'mutable.task', maxRetries: 1 } });
    });

    it('accepts the valid edge values', () => {
      for (const options of [
        { maxRetries: 0 },
        { rateLimit: '1/s' },
        { rateLimit: '5/h' },
        { rateLimit: { max: 10, durationMs: 1000 } },
        { retryBackoff: { type: 'fixed', delayMs: 0, maxDelayMs: 0, jitter: true } },
        { autoretryFor: [] },
      ] as TaskOptions[]) {
        expect(declareWith(options)).toBeInstanceOf(Function);
      }
    });
  });

  describe('misuse, caught when the class is declared', () => {
    function expectInvalid(declare: () => unknown, className: string, member: string, reason: RegExp): void {
      let thrown: unknown;
      try {
        declare();
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(InvalidTaskDefinitionError);
      const error = thrown as InvalidTaskDefinitionError;
      expect(error.message.startsWith(member === '' ? `@Task() on ${className}:` : `@Task() on ${className}.${member}:`)).toBe(true);
      expect(error).toMatchObject({ className, member, decorator: '@Task()' });
      expect(error.message).toMatch(reason);
    }

    it('rejects a getter', () => {
      expectInvalid(
        () => {
          class Reports {
            @Task()
            get latest(): number {
              return 1;
            }
          }
          return Reports;
        },
        'Reports',
        'latest',
        /getter, not a method/,
      );
    });

    it('rejects a setter', () => {
      expectInvalid(
        () => {
          class Reports {
            @Task()
            set latest(_value: number) {}
          }
          return Reports;
        },
        'Reports',
        'latest',
        /setter, not a method/,
      );
    });

    it('rejects a property', () => {
      expectInvalid(
        () => {
          class Reports {
            @asPropertyDecorator(Task())
            build = (): void => {};
          }
          return Reports;
        },
        'Reports',
        'build',
        /property, not a method.*arrow-function/,
      );
    });

    it('rejects a descriptor whose value is not a function', () => {
      const decorate = Task() as (target: object, key: string, descriptor: PropertyDescriptor) => void;
      expectInvalid(() => decorate(class Reports {}.prototype, 'limit', { value: 5 }), 'Reports', 'limit', /property, not a method/);
    });

    it('rejects a class', () => {
      expectInvalid(
        () => {
          @asClassDecorator(Task())
          class Reports {}
          return Reports;
        },
        'Reports',
        '',
        /decorates methods, not classes/,
      );
    });

    it('rejects a static method', () => {
      expectInvalid(
        () => {
          class Reports {
            @Task()
            static build(): void {}
          }
          return Reports;
        },
        'Reports',
        'build',
        /static methods are not supported.*remove `static`/,
      );
    });

    it('rejects @Task() twice on one method', () => {
      expectInvalid(
        () => {
          class Reports {
            @Task('a')
            @Task('b')
            build(): void {}
          }
          return Reports;
        },
        'Reports',
        'build',
        /applied more than once/,
      );
    });

    it.each<[string, unknown, RegExp]>([
      ['an empty name string', '', /name must be a non-empty string, got ""/],
      ['an empty name option', { name: '  ' }, /name must be a non-empty string/],
      ['a non-string name', { name: 42 }, /name must be a non-empty string, got 42/],
      ['an empty queue', { queue: '' }, /queue must be a non-empty string/],
      ['negative maxRetries', { maxRetries: -1 }, /maxRetries must be a non-negative integer.*got -1/],
      ['fractional maxRetries', { maxRetries: 1.5 }, /maxRetries must be a non-negative integer.*got 1.5/],
      ['zero timeLimitMs', { timeLimitMs: 0 }, /timeLimitMs must be a positive number/],
      ['NaN timeLimitMs', { timeLimitMs: Number.NaN }, /timeLimitMs must be a positive number of milliseconds, got NaN/],
      ['a rate limit without unit', { rateLimit: '100' }, /rateLimit must be '<count>\/s'.*got "100"/],
      ['a rate limit with a bad unit', { rateLimit: '100/d' }, /rateLimit must be/],
      ['a zero rate limit', { rateLimit: '0/s' }, /positive count/],
      ['a rate limit object with zero max', { rateLimit: { max: 0, durationMs: 1000 } }, /positive integer max.*got max 0/],
      ['a rate limit object with negative duration', { rateLimit: { max: 5, durationMs: -1 } }, /positive durationMs.*durationMs -1/],
      ['a negative backoff delay', { retryBackoff: { type: 'fixed', delayMs: -5 } }, /retryBackoff.delayMs must be a number of milliseconds >= 0, got -5/],
      ['an unknown backoff type', { retryBackoff: { type: 'linear', delayMs: 5 } }, /retryBackoff.type must be 'fixed' or 'exponential', got "linear"/],
      ['a negative maxDelayMs', { retryBackoff: { type: 'fixed', delayMs: 5, maxDelayMs: -1 } }, /retryBackoff.maxDelayMs/],
      ['a non-boolean jitter', { retryBackoff: { type: 'fixed', delayMs: 5, jitter: 'yes' } }, /retryBackoff.jitter must be true or false/],
      ['autoretryFor with a non-class', { autoretryFor: ['SmtpError'] }, /autoretryFor must be an array of error classes/],
      ['options that are not an object', 7, /expects a task name or an options object, got 7/],
      ['null options', null, /expects a task name or an options object, got null/],
    ])('rejects %s', (_label, options, reason) => {
      expectInvalid(() => {
        const error = declareWith(options as TaskOptions);
        if (error instanceof Error) throw error;
      }, 'EmailTasks', 'send', reason);
    });
  });
});

describe('@Task() applied as a standard (non-legacy) decorator', () => {
  it('says to turn on experimentalDecorators', () => {
    // What TypeScript passes when "experimentalDecorators" is off: the method and a context object.
    const applyStandard = Task() as unknown as (value: unknown, context: { kind: string; name: string }) => void;
    expect(() => applyStandard(function add() {}, { kind: 'method', name: 'add' })).toThrow(InvalidTaskDefinitionError);
    expect(() => applyStandard(function add() {}, { kind: 'method', name: 'add' })).toThrow(/"experimentalDecorators": true/);
  });
});
