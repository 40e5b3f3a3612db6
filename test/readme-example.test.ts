import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, test } from 'vitest';
import { dataPath, missing } from './support/data-dir.js';

// Issue 19: the README's TypeScript example runs as it stands, so it cannot rot. It imports
// 'reckit' by name: a file inside the package resolves that through package.json "exports" to
// dist/ (Node's package self-reference), exactly what a user's `import` resolves to.
function readmeExample(): string {
  const readme = readFileSync('README.md', 'utf8');
  const section = readme.slice(readme.indexOf('## In TypeScript'));
  const block = /```ts\n([\s\S]*?)```/.exec(section);
  if (!block?.[1]) throw new Error('README.md has no ```ts block under "## In TypeScript"');
  return block[1];
}

const ml = dataPath('ml-latest-small');
const built = existsSync('dist/index.js');

test.skipIf(!built || !ml)(`the README's TypeScript example runs (${missing('ml-latest-small')})`, () => {
  const code = readmeExample();
  // The example has no type annotations, so the same text is valid JavaScript.
  const dir = resolve('test-results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `readme-example-${process.pid}.mjs`);
  const cwd = mkdtempSync(join(tmpdir(), 'reckit-readme-'));
  try {
    writeFileSync(file, code);
    const r = spawnSync(process.execPath, [file], { cwd, encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/score: \d\.\d+,\s+known: true/);
    expect(r.stdout).toMatch(/^610 users ranked$/m);
    expect(existsSync(join(cwd, 'models/als/model.json'))).toBe(true);
  } finally {
    rmSync(file, { force: true });
    rmSync(cwd, { recursive: true, force: true });
  }
});
