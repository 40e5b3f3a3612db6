import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';

// The CI check of native kernels against their TypeScript bindings (scripts/check-native-signatures.mjs),
// run on a copy of the kernel sources so a deliberate mismatch can be planted.
const script = new URL('../../scripts/check-native-signatures.mjs', import.meta.url).pathname;
const copies: string[] = [];
afterEach(() => {
  for (const dir of copies.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function copyKernels(): string {
  const root = mkdtempSync(join(tmpdir(), 'reckit-signatures-'));
  copies.push(root);
  for (const dir of ['native', 'addon'])
    cpSync(`src/engine/kernels/${dir}`, join(root, 'src/engine/kernels', dir), { recursive: true });
  return root;
}

function edit(root: string, file: string, from: string, to: string): void {
  const path = join(root, 'src/engine/kernels', file);
  const text = readFileSync(path, 'utf8');
  expect(text).toContain(from);
  writeFileSync(path, text.replace(from, to));
}

function check(root: string): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [script, root], { encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}

test('the repository passes: every native function matches its binding', () => {
  const r = check(copyKernels());
  expect(r.out).toMatch(/native signatures: \d+ functions checked, 0 mismatch/);
  expect(r.status).toBe(0);
});

test('a renamed, a retyped and a dropped argument each fail naming the function and index', () => {
  const root = copyKernels();
  edit(root, 'native/fill-normal.cc', '(1, "mean")', '(1, "average")');
  edit(root, 'addon/matrix-kernels.ts', 'nCols: number,\n    outOffsets', 'nCols: Float32Array,\n    outOffsets');
  edit(root, 'native/bpr-epoch.cc', 'args.Number(10, "threads")', '1');
  const r = check(root);
  expect(r.status).toBe(1);
  expect(r.out).toContain('fillNormal argument 1: fill-normal.cc reads "average", mf-kernels.ts says "mean"');
  expect(r.out).toMatch(
    /buildCsr argument 4 \(nCols\): build-csr\.cc reads number, matrix-kernels\.ts says Float32Array/,
  );
  expect(r.out).toContain('bprEpoch: bpr-epoch.cc reads 10 arguments, rank-kernels.ts declares 11');
});

test('every declaration is checked: a second, differently named one and untyped ...args fail', () => {
  const root = copyKernels();
  const extra = `
interface ExtraBinding {
  fillNormal(o: Float32Array, mean: number, std: number, seed: number): unknown;
  scoreItems(...args: unknown[]): void;
}
`;
  appendFileSync(join(root, 'src/engine/kernels/addon/embedding-kernels.ts'), extra);
  const r = check(root);
  expect(r.status).toBe(1);
  expect(r.out).toContain('fillNormal argument 0: fill-normal.cc reads "out", embedding-kernels.ts says "o"');
  expect(r.out).toContain('embedding-kernels.ts: scoreItems takes untyped ...args');
});

test('a raw info[i] read or a hand-written pin fails: jobs pin what rk::Args recorded', () => {
  const root = copyKernels();
  edit(
    root,
    'native/spd-inverse.cc',
    'auto a = args.Float64(0, "a");',
    'auto a = args.Float64(0, "a");\n    (void)info[0];',
  );
  const r = check(root);
  expect(r.status).toBe(1);
  expect(r.out).toMatch(/spd-inverse\.cc:\d+: read arguments through rk::Args/);
});
