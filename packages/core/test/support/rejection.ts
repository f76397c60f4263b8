/** The error `promise` rejects with; fails the test when it resolves instead. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  let value: unknown;
  try {
    value = await promise;
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`Expected an Error rejection, got ${String(error)}`, { cause: error });
  }
  throw new Error(`Expected a rejection, got a value: ${JSON.stringify(value)}`);
}

/** The error `call` throws synchronously; fails the test when it returns instead. */
export function thrownBy(call: () => unknown): Error {
  try {
    call();
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`Expected an Error to be thrown, got ${String(error)}`, { cause: error });
  }
  throw new Error('Expected an error to be thrown, but the call returned');
}
