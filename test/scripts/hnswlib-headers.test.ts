import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';

// binding.gyp asks scripts/hnswlib-headers.mjs where hnswlib's headers are: hnswlib-node's copy
// when the optional package resolves from the folder node-gyp runs in, else nothing (the addon
// then builds without the HNSW kernels).
const script = new URL('../../scripts/hnswlib-headers.mjs', import.meta.url).pathname;
const run = (cwd: string, ...args: string[]) =>
  spawnSync(process.execPath, [script, ...args], { cwd, encoding: 'utf8' }).stdout.trim();

test('prints the headers folder and the define when hnswlib-node is installed', () => {
  const dir = run(process.cwd());
  expect(existsSync(join(dir, 'hnswalg.h'))).toBe(true);
  expect(run(process.cwd(), '--define')).toBe('RK_HNSWLIB');
});

test('prints nothing where hnswlib-node does not resolve', () => {
  const empty = mkdtempSync(join(tmpdir(), 'reckit-no-hnswlib-'));
  try {
    expect(run(empty)).toBe('');
    expect(run(empty, '--define')).toBe('');
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});
