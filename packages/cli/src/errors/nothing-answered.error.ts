/** Nobody answered (no worker replied, none heartbeats): exit code 3. */
export class NothingAnsweredError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NothingAnsweredError';
  }
}
