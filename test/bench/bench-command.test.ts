import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { expect, test } from 'vitest';
import { bench } from '../../src/adapters/cli/commands/bench.js';
import { InputError } from '../../src/engine/errors.js';

test('bench rejects an unknown suite and a bad run count as input errors naming the value', async () => {
  await expect(bench({ suite: ['nope'] })).rejects.toThrow(InputError);
  await expect(bench({ suite: ['nope'] })).rejects.toThrow(/unknown bench suite "nope"; known: .*topn-peers/);
  await expect(bench({ runs: '0' })).rejects.toThrow(/--runs 0: expected a whole number >= 1/);
});

test.skipIf(!existsSync('dist/adapters/cli/main.js'))('the built CLI lists the suites (smoke spawn)', () => {
  const r = spawnSync(process.execPath, ['bin/reckit.js', 'bench', '--list'], { encoding: 'utf8' });
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/^topn-peers\t/m);
});
