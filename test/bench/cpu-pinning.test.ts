import { spawnSync } from 'node:child_process';
import { expect, test } from 'vitest';
import { pinnedCommand, pinProcess, planPinning } from '../../src/bench/cpu-pinning.js';

const hasTaskset = spawnSync('taskset', ['--version'], { stdio: 'ignore' }).status === 0;

test('no plan on one core; the server gets the last core and the load the rest', () => {
  expect(planPinning(1)).toBeUndefined();
  if (!hasTaskset) return void expect(planPinning(2)).toBeUndefined();
  expect(planPinning(2)).toEqual({ server: '1', client: '0', all: '0-1' });
  expect(planPinning(8)).toEqual({ server: '7', client: '0-6', all: '0-7' });
});

test('a pinned command runs under taskset with the CPU list first', () => {
  expect(pinnedCommand('1', '/usr/bin/node', ['-e', 'x'])).toEqual([
    'taskset',
    ['-c', '1', '/usr/bin/node', '-e', 'x'],
  ]);
});

test.runIf(hasTaskset && process.platform === 'linux')('a running process is pinned and released', () => {
  const child = spawnSync(
    'taskset',
    [
      '-c',
      '0',
      process.execPath,
      '-e',
      'console.log(require("node:fs").readFileSync("/proc/self/status","utf8").match(/Cpus_allowed_list:\\s*(\\S+)/)[1])',
    ],
    { encoding: 'utf8' },
  );
  expect(child.stdout.trim()).toBe('0');
  const allowed = () =>
    /Cpus_allowed_list:\s*(\S+)/.exec(
      spawnSync('cat', [`/proc/${process.pid}/status`], { encoding: 'utf8' }).stdout,
    )?.[1];
  const before = allowed();
  expect(pinProcess(process.pid, '0')).toBe(true);
  expect(allowed()).toBe('0');
  expect(pinProcess(process.pid, before as string)).toBe(true);
  expect(allowed()).toBe(before);
});
