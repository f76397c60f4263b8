import { newTaskId } from '../../src/utils/task-id';

describe('newTaskId', () => {
  it('gives distinct version 4 UUIDs, across draws of random bytes', () => {
    const ids = Array.from({ length: 3000 }, () => newTaskId());

    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
