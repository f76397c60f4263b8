import { OutcomeWrites } from '../../src/worker/outcome-writes';

/** A write that fails with `errors` in turn, then succeeds; it counts its tries. */
function flakyWrite(errors: Error[]): { write: () => Promise<string>; tries: () => number } {
  let tries = 0;
  return {
    write: async () => {
      const error = errors[tries++];
      if (error) throw error;
      return 'written';
    },
    tries: () => tries,
  };
}

const dropped = () => new Error('Connection is closed.');

describe('OutcomeWrites', () => {
  it('tries a write again after each connection error while the lock holds, and counts it as pending meanwhile', async () => {
    const outcomes = new OutcomeWrites(10_000);
    const { write, tries } = flakyWrite([dropped(), dropped()]);
    const written = outcomes.write(write);
    expect(outcomes.pending).toBe(1);
    await expect(written).resolves.toBe('written');
    expect(tries()).toBe(3);
    expect(outcomes.pending).toBe(0);
  });

  it('does not try again after an error that is not about the connection', async () => {
    const outcomes = new OutcomeWrites(10_000);
    const { write, tries } = flakyWrite([new Error('Missing lock for job 1. moveToFinished')]);
    await expect(outcomes.write(write)).rejects.toThrow('Missing lock');
    expect(tries()).toBe(1);
    expect(outcomes.pending).toBe(0);
  });

  it('gives up once the drain deadline has passed, and when the lock may have lapsed', async () => {
    const draining = new OutcomeWrites(10_000);
    draining.drainUntil(Date.now());
    const first = flakyWrite([dropped(), dropped()]);
    await expect(draining.write(first.write)).rejects.toThrow('Connection is closed');
    expect(first.tries()).toBe(1);

    // Half of a 60 ms lock is less than the first pause between two tries.
    const shortLock = new OutcomeWrites(60);
    const second = flakyWrite([dropped(), dropped()]);
    await expect(shortLock.write(second.write)).rejects.toThrow('Connection is closed');
    expect(second.tries()).toBe(1);
  });
});
