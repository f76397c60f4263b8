import { InvalidTaskDefinitionError } from '../errors/invalid-task-definition.error';

/** The decorated method, once it is known to be a plain instance method. */
export interface MethodTarget {
  readonly className: string;
  readonly methodName: string;
  readonly method: (...args: never[]) => unknown;
}

/**
 * Checks at decoration time that a method decorator sits on a plain instance
 * method, so misuse fails when the class is declared rather than at bootstrap.
 * The parameters are loose on purpose: at runtime a method decorator can be
 * called as a class or property decorator too.
 */
export function resolveMethodTarget(
  decorator: string,
  target: unknown,
  propertyKey: string | symbol | undefined | object,
  descriptor: PropertyDescriptor | undefined,
): MethodTarget {
  if (isStandardDecoratorContext(propertyKey)) {
    throw new InvalidTaskDefinitionError(
      '(a class)',
      String(propertyKey.name),
      `${decorator} is a legacy (experimental) decorator, as NestJS's are, but it was applied as a standard one; ` +
        'set "experimentalDecorators": true (and "emitDecoratorMetadata": true for NestJS) in tsconfig.json.',
      decorator,
    );
  }
  const className = classNameOf(target);
  if (propertyKey === undefined) {
    throw new InvalidTaskDefinitionError(
      className,
      '',
      `${decorator} decorates methods, not classes; put it on a method of ${className}.`,
      decorator,
    );
  }
  const methodName = String(propertyKey);
  const invalid = (reason: string) => new InvalidTaskDefinitionError(className, methodName, reason, decorator);

  // Methods live on the prototype; a constructor as target means `static`.
  if (typeof target === 'function') {
    throw invalid(`static methods are not supported, because tasks and signal receivers run on the provider instance; remove \`static\`.`);
  }
  if (descriptor !== undefined && (descriptor.get !== undefined || descriptor.set !== undefined)) {
    const kind = descriptor.get !== undefined && descriptor.set !== undefined ? 'an accessor' : descriptor.get !== undefined ? 'a getter' : 'a setter';
    throw invalid(`it is ${kind}, not a method; put ${decorator} on a plain method.`);
  }
  if (descriptor === undefined || typeof descriptor.value !== 'function') {
    throw invalid(`it is a property, not a method; declare it as a method (\`${methodName}(…) { … }\`), arrow-function properties are not supported.`);
  }
  return { className, methodName, method: descriptor.value as MethodTarget['method'] };
}

function classNameOf(target: unknown): string {
  const ctor: unknown = typeof target === 'function' ? target : (target as { constructor?: unknown } | null | undefined)?.constructor;
  const name = typeof ctor === 'function' ? ctor.name : '';
  return name === '' ? '(anonymous class)' : name;
}

/** What TypeScript passes as second argument when `experimentalDecorators` is off. */
function isStandardDecoratorContext(key: unknown): key is { kind: string; name: string | symbol } {
  return typeof key === 'object' && key !== null && typeof (key as { kind?: unknown }).kind === 'string';
}
