import { setTimeout as sleep } from 'node:timers/promises';
import { expect, test } from 'vitest';
import { SerialQueue } from '../../../src/adapters/warehouse/serial-queue.js';

test('calls run one at a time in call order; a failure does not stop the next; drain waits for all', async () => {
  const q = new SerialQueue();
  const log: string[] = [];
  let running = 0;
  const call = (name: string, ms: number, fail = false) =>
    q.run(async () => {
      running++;
      log.push(`start ${name} (${running} running)`);
      await sleep(ms);
      running--;
      log.push(`end ${name}`);
      if (fail) throw new Error(`${name} failed`);
      return name;
    });
  // The first call is the slowest: without the queue the later ones would start and end first.
  const a = call('a', 30);
  const b = call('b', 1, true);
  const c = call('c', 1);
  const drained = q.drain().then(() => log.push('drained'));
  await expect(a).resolves.toBe('a');
  await expect(b).rejects.toThrow('b failed');
  await expect(c).resolves.toBe('c');
  await drained;
  expect(log).toEqual([
    'start a (1 running)',
    'end a',
    'start b (1 running)',
    'end b',
    'start c (1 running)',
    'end c',
    'drained',
  ]);
});
