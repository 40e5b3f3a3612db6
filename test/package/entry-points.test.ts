import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { expect, test } from 'vitest';

// Issue 19: `import('reckit')` is the engine only. What a module graph pulled in is read off the
// child process itself: Node's list of loaded built-in modules and the shared objects it mapped.
const probe = `
  await import(process.argv[1]);
  const builtins = process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice(13));
  const shared = process.report.getReport().sharedObjects.filter((s) => s.endsWith('.node'));
  process.stdout.write(JSON.stringify({ builtins, shared }));
`;

function loadedBy(entry: string): { builtins: string[]; shared: string[] } {
  const r = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', probe, new URL(`../../${entry}`, import.meta.url).href],
    {
      encoding: 'utf8',
    },
  );
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as { builtins: string[]; shared: string[] };
}

const built = existsSync('dist/index.js');

test.skipIf(!built)('the root entry loads no DuckDB, no HTTP server and no bench code', () => {
  const { builtins, shared } = loadedBy('dist/index.js');
  expect(builtins.filter((b) => /^(_?http|https|net)$|^_http_/.test(b))).toEqual([]);
  expect(shared.filter((s) => /duckdb/.test(s))).toEqual([]);
});

test.skipIf(!built)('the pipeline entry does load DuckDB (the probe can see it)', () => {
  const { shared } = loadedBy('dist/pipeline.js');
  expect(shared.some((s) => /duckdb\.node$/.test(s))).toBe(true);
});

test('every subpath export points at a source entry, and the published files leave out the bench', () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
    exports: Record<string, string | { types: string; import: string }>;
    files: string[];
  };
  for (const [path, target] of Object.entries(pkg.exports)) {
    if (typeof target === 'string') continue;
    const source = target.import.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts');
    expect(existsSync(source), `${path} -> ${source}`).toBe(true);
  }
  expect(pkg.files).toContain('!dist/bench');
});

test('the root entry exposes no kernel internals', async () => {
  const api = await import('../../src/index.js');
  for (const internal of [
    'backend',
    'FactorFoldedUser',
    'createEndpointRegistry',
    'DuckDbWarehouse',
    'createInferenceServer',
  ]) {
    expect(Object.keys(api)).not.toContain(internal);
  }
  expect(Object.keys(api)).toEqual(expect.arrayContaining(['SVD', 'RatingMatrix', 'loadModel', 'crossValidate']));
});
