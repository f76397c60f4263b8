/**
 * Gives an error the name of its class when it only inherited `'Error'`
 * (`class CardDeclined extends Error {}`), as Celery reports an exception by its
 * class. Done once, where the tracer catches the error, so that every place it is
 * recorded or sent (signals, hooks, the stored result) shows the same name.
 */
export function nameByClass(error: Error): Error {
  if (error.name !== 'Error') return error;
  const className = (error.constructor as { name?: unknown } | undefined)?.name;
  if (error.constructor === Error || typeof className !== 'string' || className === '' || className === 'Error') return error;
  try {
    Object.defineProperty(error, 'name', { value: className, writable: true, configurable: true, enumerable: false });
  } catch {
    // A frozen error keeps its name; nothing else depends on it.
  }
  return error;
}
