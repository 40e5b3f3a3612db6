import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, test } from 'vitest';
import { dataPath, missing } from './support/data-dir.js';

// Issue 19: the README's TypeScript example runs as it stands, so it cannot rot. It imports
// 'reckit' by name: a file inside the package resolves that through package.json "exports" to
// dist/ (Node's package self-reference), exactly what a user's `import` resolves to.
function readmeExample(heading = '## In TypeScript'): string {
  const readme = readFileSync('README.md', 'utf8');
  const at = readme.indexOf(heading);
  if (at < 0) throw new Error(`README.md has no "${heading}" section`);
  const block = /```ts\n([\s\S]*?)```/.exec(readme.slice(at));
  if (!block?.[1]) throw new Error(`README.md has no \`\`\`ts block under "${heading}"`);
  return block[1];
}

/** Runs README code as a module inside the package (so 'reckit/...' self-resolves to dist/). */
function runModule(code: string, cwd: string) {
  const dir = resolve('test-results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `readme-example-${process.pid}-${Date.now()}.mjs`);
  try {
    writeFileSync(file, code);
    return spawnSync(process.execPath, [file], { cwd, encoding: 'utf8', timeout: 120_000 });
  } finally {
    rmSync(file, { force: true });
  }
}

const ml = dataPath('ml-latest-small');
const built = existsSync('dist/index.js');

test.skipIf(!built || !ml)(`the README's TypeScript example runs (${missing('ml-latest-small')})`, () => {
  // The example has no type annotations, so the same text is valid JavaScript.
  const cwd = mkdtempSync(join(tmpdir(), 'reckit-readme-'));
  try {
    const r = runModule(readmeExample(), cwd);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/score: \d\.\d+,\s+known: true/);
    expect(r.stdout).toMatch(/^610 users ranked$/m);
    expect(existsSync(join(cwd, 'models/als/model.json'))).toBe(true);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test.skipIf(!built)("the README's embeddings example runs: filtered hits, none excluded or out of stock", () => {
  const r = runModule(readmeExample('## Scoring your own embeddings'), tmpdir());
  expect(r.status, r.stderr).toBe(0);
  // two printed lists: search (top 5, filtered) then similar (top 3)
  const ids = [...r.stdout.matchAll(/id: 'sku-(\d+)', score: ([\d.e-]+)/g)].map((m) => Number(m[1]));
  expect(ids).toHaveLength(8);
  for (const i of ids.slice(0, 5)) expect(i !== 0 && i % 3 !== 0).toBe(true); // exclude + where { inStock: 1 }
  expect(ids.slice(5)).not.toContain(42); // "more like this" leaves the item out
  expect(new Set(ids.slice(0, 5)).size).toBe(5);
});
