import { main } from '../../examples/periodic';
import { deleteKeys, uniquePrefix } from '../support/redis';

describe('the periodic tasks example of the README', () => {
  const prefix = uniquePrefix('example');
  afterAll(() => deleteKeys(prefix));

  it('runs a tick of a @Task schedule and one of a config schedule on demand, and lists both', async () => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      const listed = await main(prefix);
      expect(listed).toEqual([expect.stringMatching(/^files-cleanup \(config\) next \S+Z$/), expect.stringMatching(/^heartbeat\.beat \(code\) next \S+Z$/)]);
      expect(log).toHaveBeenCalledWith(expect.stringMatching(/^tick due \d{4}-\d\d-\d\dT/));
      expect(log).toHaveBeenCalledWith('removed files older than 7 days');
    } finally {
      log.mockRestore();
    }
  });
});
