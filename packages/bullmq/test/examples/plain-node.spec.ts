import { main } from '../../examples/plain-node';
import { deleteKeys, REDIS_URL, uniquePrefix } from '../support/redis';

describe('the plain Node example of the README', () => {
  const prefix = uniquePrefix('example');
  afterAll(() => deleteKeys(prefix));

  it('runs a task through a worker and prints the success signal', async () => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await expect(main(prefix, REDIS_URL)).resolves.toBe(5);
      expect(log).toHaveBeenCalledWith('math.add -> 5');
    } finally {
      log.mockRestore();
    }
  });
});
