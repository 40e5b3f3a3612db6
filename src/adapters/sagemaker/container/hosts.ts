import { InputError } from '../../../engine/errors.js';

/** Which host this is and whether it writes the model (resourceconfig.json). */
export interface HostRole {
  current: string;
  hosts: string[];
  /** The first of the sorted hosts writes the model; the others train nothing and exit 0. */
  leader: boolean;
}

/**
 * reckit trains on one host. With several, every host would get the same data (or a shard of
 * it) and SageMaker merges their /opt/ml/model folders (clashing names overwrite), so only the
 * first host trains and writes the model; the others say so and exit 0. No config (a local run)
 * means a single host.
 */
export function hostRole(config: Record<string, unknown> | undefined, source: string): HostRole {
  if (!config) return { current: 'algo-1', hosts: ['algo-1'], leader: true };
  const current = config.current_host;
  const hosts = config.hosts;
  if (typeof current !== 'string' || !Array.isArray(hosts) || !hosts.every((h) => typeof h === 'string')) {
    throw new InputError(`${source}: expected "current_host" (a string) and "hosts" (an array of strings)`);
  }
  if (!hosts.includes(current)) {
    throw new InputError(`${source}: current_host "${current}" is not in hosts [${hosts.join(', ')}]`);
  }
  const sorted = [...(hosts as string[])].sort();
  return { current, hosts: sorted, leader: sorted[0] === current };
}
