import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { expect, test } from 'vitest';
import { selectSuites } from '../../src/bench/suites.js';
import { InputError } from '../../src/engine/errors.js';

test('an unknown suite is an input error naming the value and the known suites', () => {
  expect(() => selectSuites(['nope'])).toThrow(InputError);
  expect(() => selectSuites(['nope'])).toThrow(/unknown bench suite "nope"; known: .*topn-peers/);
});

const built = existsSync('dist/bench/run.js');

test.skipIf(!built)('the bench script lists the suites and refuses a bad run count in one line (smoke spawn)', () => {
  const list = spawnSync(process.execPath, ['dist/bench/run.js', '--list'], { encoding: 'utf8' });
  expect(list.status).toBe(0);
  expect(list.stdout).toMatch(/^topn-peers\t/m);
  const bad = spawnSync(process.execPath, ['dist/bench/run.js', '--runs', '0'], { encoding: 'utf8' });
  expect(bad.status).toBe(2);
  expect(bad.stderr.trim()).toBe('bench: --runs 0: expected a whole number >= 1');
});

test.skipIf(!existsSync('dist/adapters/cli/main.js'))('the published CLI has no bench command', () => {
  const r = spawnSync(process.execPath, ['bin/reckit.js', 'bench'], { encoding: 'utf8' });
  expect(r.status).not.toBe(0);
  expect(r.stderr).toMatch(/unknown command 'bench'/);
});
