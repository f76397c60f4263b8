import { availableParallelism, cpus, platform, release, totalmem } from 'node:os';
import { redisVersion } from './redis';

/** Where the figures were taken; `cores`, `node` and `redis` are the fields DESIGN.md names. */
export interface Machine {
  cores: number;
  node: string;
  redis: string;
  cpu: string;
  os: string;
  memoryGb: number;
}

export async function describeMachine(): Promise<Machine> {
  return {
    cores: availableParallelism(),
    node: process.version,
    redis: await redisVersion(),
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    os: `${platform()} ${release()}`,
    memoryGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
  };
}
