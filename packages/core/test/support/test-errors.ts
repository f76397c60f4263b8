/** A retryable error, as a task would list in `autoretryFor`. */
export class SmtpError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SmtpError';
  }
}

/** A subclass of a retryable error: `autoretryFor` matches it through `instanceof`. */
export class SmtpTimeoutError extends SmtpError {
  constructor(message: string) {
    super(message);
    this.name = 'SmtpTimeoutError';
  }
}

/** An error no test lists in `autoretryFor`. */
export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

/** Named like BullMQ's: never retried, whatever `autoretryFor` says. */
export class UnrecoverableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnrecoverableError';
  }
}
