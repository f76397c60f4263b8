import { OnSignal, Task } from '../../src/decorators';
import { InvalidTaskDefinitionError } from '../../src/errors';
import { TasksMetadata } from '../../src/metadata';
import type { SignalRef } from '../../src/signals';

const asClassDecorator = (decorator: MethodDecorator) => decorator as unknown as ClassDecorator;
const asPropertyDecorator = (decorator: MethodDecorator) => decorator as unknown as PropertyDecorator;

// Stands in for what `defineSignal()` returns: anything with a string `name`.
const orderPlaced = { name: 'order_placed' } as const;

describe('@OnSignal()', () => {
  describe('metadata', () => {
    class Audit {
      @OnSignal('task_success')
      succeeded(): void {}

      @OnSignal('task_success', { sender: 'emails.send', dispatchUid: 'audit.sent' })
      @OnSignal('task_failure', { sender: 'emails.send' })
      @OnSignal('task_retry')
      watched(): void {}

      @OnSignal(orderPlaced)
      placed(): void {}

      @Task('audit.flush')
      @OnSignal('worker_shutting_down')
      flush(): string {
        return 'flushed';
      }

      plain(): void {}
    }

    it('records the signal name', () => {
      expect(TasksMetadata.getSignalHandlers(Audit.prototype.succeeded)).toEqual([{ signal: 'task_success' }]);
    });

    it('stacks, returning handlers in source order with their options', () => {
      expect(TasksMetadata.getSignalHandlers(Audit.prototype.watched)).toEqual([
        { signal: 'task_success', sender: 'emails.send', dispatchUid: 'audit.sent' },
        { signal: 'task_failure', sender: 'emails.send' },
        { signal: 'task_retry' },
      ]);
    });

    it('accepts a signal object', () => {
      expect(TasksMetadata.getSignalHandlers(Audit.prototype.placed)).toEqual([{ signal: 'order_placed' }]);
    });

    it('combines with @Task() on one method', () => {
      expect(TasksMetadata.getSignalHandlers(Audit.prototype.flush)).toEqual([{ signal: 'worker_shutting_down' }]);
      expect(TasksMetadata.getTaskMetadata(Audit.prototype.flush)).toEqual({ name: 'audit.flush', methodName: 'flush', options: { name: 'audit.flush' } });
      expect(new Audit().flush()).toBe('flushed');
    });

    it('does not make a method a task', () => {
      expect(TasksMetadata.isTask(Audit.prototype.succeeded)).toBe(false);
    });

    it('leaves undecorated methods without handlers', () => {
      expect(TasksMetadata.getSignalHandlers(Audit.prototype.plain)).toEqual([]);
    });

    it('keeps the same signal with different senders apart', () => {
      class Both {
        @OnSignal('task_success', { sender: 'a' })
        @OnSignal('task_success', { sender: 'b' })
        run(): void {}
      }
      expect(TasksMetadata.getSignalHandlers(Both.prototype.run)).toEqual([
        { signal: 'task_success', sender: 'a' },
        { signal: 'task_success', sender: 'b' },
      ]);
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
      expect(error.message.startsWith(member === '' ? `@OnSignal() on ${className}:` : `@OnSignal() on ${className}.${member}:`)).toBe(true);
      expect(error).toMatchObject({ className, member, decorator: '@OnSignal()' });
      expect(error.message).toMatch(reason);
    }

    it('rejects a getter', () => {
      expectInvalid(
        () => {
          class Audit {
            @OnSignal('task_success')
            get last(): number {
              return 1;
            }
          }
          return Audit;
        },
        'Audit',
        'last',
        /getter, not a method; put @OnSignal\(\) on a plain method/,
      );
    });

    it('rejects a setter', () => {
      expectInvalid(
        () => {
          class Audit {
            @OnSignal('task_success')
            set last(_value: number) {}
          }
          return Audit;
        },
        'Audit',
        'last',
        /setter, not a method/,
      );
    });

    it('rejects a property', () => {
      expectInvalid(
        () => {
          class Audit {
            @asPropertyDecorator(OnSignal('task_success'))
            onSuccess = (): void => {};
          }
          return Audit;
        },
        'Audit',
        'onSuccess',
        /property, not a method/,
      );
    });

    it('rejects a class', () => {
      expectInvalid(
        () => {
          @asClassDecorator(OnSignal('task_success'))
          class Audit {}
          return Audit;
        },
        'Audit',
        '',
        /decorates methods, not classes/,
      );
    });

    it('rejects a static method', () => {
      expectInvalid(
        () => {
          class Audit {
            @OnSignal('task_success')
            static record(): void {}
          }
          return Audit;
        },
        'Audit',
        'record',
        /static methods are not supported/,
      );
    });

    it.each<[string, unknown, unknown, RegExp]>([
      ['an empty signal name', '', undefined, /expects a signal name or a signal object from defineSignal\(\), got ""/],
      ['a signal object with an empty name', { name: '' }, undefined, /expects a signal name or a signal object/],
      ['a signal object without a name', {}, undefined, /got object/],
      ['a class instead of a signal', class OrderPlaced {}, undefined, /got function OrderPlaced/],
      ['an empty sender', 'task_success', { sender: '' }, /sender must be a non-empty string or left out, got ""/],
      ['a non-string dispatchUid', 'task_success', { dispatchUid: 7 }, /dispatchUid must be a non-empty string or left out, got 7/],
      ['options that are not an object', 'task_success', 'emails.send', /options must be an object like \{ sender, dispatchUid, scope \}/],
      ['an unknown scope', 'task_success', { scope: 'galaxy' }, /scope must be 'process' or 'cluster', got "galaxy"/],
    ])('rejects %s', (_label, signal, options, reason) => {
      expectInvalid(
        () => {
          class Audit {
            @OnSignal(signal as SignalRef, options as undefined)
            record(): void {}
          }
          return Audit;
        },
        'Audit',
        'record',
        reason,
      );
    });

    it('rejects the same signal and options twice on one method', () => {
      expectInvalid(
        () => {
          class Audit {
            @OnSignal('task_success', { sender: 'emails.send' })
            @OnSignal('task_success', { sender: 'emails.send' })
            record(): void {}
          }
          return Audit;
        },
        'Audit',
        'record',
        /receives 'task_success' twice/,
      );
    });
  });
});
