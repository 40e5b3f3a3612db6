import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { main } from '../../../src/adapters/cli/main.js';
import { loadModel } from '../../../src/engine/model/load-model.js';

// issue 20 items 1, 8 and 10 (CLI part): ordinary mistakes are one-line errors with exit 2, found
// before any work, and no command deletes a user's files.

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['node', 'reckit', ...args], { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

/** Exit 2 and one line on stderr matching `pattern` (no stack trace, no "looks like a bug"). */
function expectOneLine(r: { code: number; err: string }, pattern: RegExp): void {
  expect(r.err).toMatch(pattern);
  expect(r.err.trim().split('\n')).toHaveLength(1);
  expect(r.code).toBe(2);
}

const root = mkdtempSync(join(tmpdir(), 'reckit-mistakes-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const ratings = join(root, 'ratings.csv');
const model = join(root, 'model');

beforeAll(async () => {
  // 30 users x 40 items, ratings 1..5 from a fixed LCG (seed 7): small enough to train in milliseconds.
  let x = 7;
  const lines = ['user,item,rating'];
  for (let u = 1; u <= 30; u++) {
    for (let i = 1; i <= 40; i++) {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      if (x % 3 === 0) lines.push(`${u},${i},${1 + (x % 5)}`);
    }
  }
  writeFileSync(ratings, `${lines.join('\n')}\n`);
  const r = await cli(['train', '--data', ratings, '--algo', 'baseline', '--out', model]);
  expect(r.code).toBe(0);
});

describe('train --out and quickstart --model-dir replace only a reckit model (issue 20 item 1)', () => {
  test('a ratings file, a folder of user files and . are refused before the data is read, and kept', async () => {
    const file = join(root, 'keep.csv');
    writeFileSync(file, 'precious\n');
    // --data does not exist: the --out error comes first, so --out is checked before loading.
    const missingData = join(root, 'no-such-data.csv');
    expectOneLine(
      await cli(['train', '--data', missingData, '--algo', 'svd', '--out', file]),
      /keep\.csv: is a file, not a model directory/,
    );
    expect(readFileSync(file, 'utf8')).toBe('precious\n');
    const folder = join(root, 'docs');
    mkdirSync(folder);
    writeFileSync(join(folder, 'thesis.tex'), 'years of work');
    expectOneLine(
      await cli(['train', '--data', missingData, '--algo', 'svd', '--out', folder]),
      /docs: holds "thesis\.tex", which reckit did not write/,
    );
    expect(readdirSync(folder)).toEqual(['thesis.tex']);
    const cwd = process.cwd();
    process.chdir(folder);
    try {
      expectOneLine(
        await cli(['train', '--data', missingData, '--algo', 'svd', '--out', '.']),
        /^reckit: \.: is the current directory/,
      );
    } finally {
      process.chdir(cwd);
    }
    expect(readdirSync(folder)).toEqual(['thesis.tex']);
  });

  test('quickstart refuses a --model-dir of user files before it touches the warehouse', async () => {
    const folder = join(root, 'photos');
    mkdirSync(folder);
    writeFileSync(join(folder, 'cat.jpg'), 'meow');
    const warehouse = join(root, 'w.duckdb');
    const r = await cli(['quickstart', '--warehouse', `duckdb:${warehouse}`, '--model-dir', folder, '--folds', '0']);
    expectOneLine(r, /photos: holds "cat\.jpg", which reckit did not write/);
    expect(readdirSync(folder)).toEqual(['cat.jpg']);
    expect(existsSync(warehouse)).toBe(false);
  });

  test('retraining into a reckit model replaces it', async () => {
    const again = await cli(['train', '--data', ratings, '--algo', 'baseline', '--out', model, '--json']);
    expect(again.code).toBe(0);
    expect((await loadModel(model)).users.size).toBe(30);
  });
});

describe('ordinary file mistakes are one-line errors with exit 2 (issue 20 item 8)', () => {
  test('a missing or directory --pairs file', async () => {
    expectOneLine(
      await cli(['predict', '--model', model, '--pairs', join(root, 'nope.csv')]),
      /--pairs .*nope\.csv: no such file/,
    );
    expectOneLine(await cli(['predict', '--model', model, '--pairs', root]), /--pairs .*: is a folder, not a file/);
  });

  test('recommend --out in a missing folder, or naming a folder, fails before the model is read', async () => {
    const bogusModel = join(root, 'no-model');
    expectOneLine(
      await cli(['recommend', '--model', bogusModel, '--out', join(root, 'missing', 'top.csv')]),
      /--out .*top\.csv: the folder .*missing does not exist/,
    );
    expectOneLine(
      await cli(['recommend', '--model', bogusModel, '--out', root]),
      /--out .*: is a folder; give a file name/,
    );
  });

  // Node's recursive mkdir spins forever on a path under /proc (mkdir fails there with ENOENT).
  test.skipIf(!existsSync('/proc/self'))('an output under /proc is an error, not a stall', async () => {
    expectOneLine(
      await cli(['train', '--data', ratings, '--algo', 'baseline', '--out', '/proc/reckit-none/m']),
      /\/proc\/reckit-none\/m: cannot write the model directory \(ENOENT/,
    );
    expectOneLine(
      await cli([
        'evaluate',
        '--data',
        ratings,
        '--algo',
        'baseline',
        '--folds',
        '2',
        '--k',
        '0',
        '--report',
        '/proc/reckit-none/r.html',
      ]),
      /--report \/proc\/reckit-none\/r\.html: no such file or folder/,
    );
  });

  // As root every folder is writable, so the read-only cases run the CLI as an unprivileged user.
  const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  const bin = resolve('bin/reckit.js');
  test.skipIf(!existsSync(resolve('dist/adapters/cli/main.js')))(
    'evaluate --report and recommend --out in a read-only folder fail before the work',
    () => {
      const ro = join(root, 'read-only');
      mkdirSync(ro);
      chmodSync(root, 0o755);
      chmodSync(ro, 0o555);
      chmodSync(ratings, 0o644);
      const run = (args: string[]) => {
        const r = spawnSync(process.execPath, [bin, ...args], { ...asUser, encoding: 'utf8', cwd: root });
        return { code: r.status ?? -1, err: r.stderr, out: r.stdout };
      };
      // --data is missing, so an error about the report proves it was checked before any loading.
      const ev = run([
        'evaluate',
        '--data',
        join(root, 'nope.csv'),
        '--algo',
        'baseline',
        '--report',
        join(ro, 'r.html'),
      ]);
      expectOneLine(ev, /--report .*r\.html: the folder .*read-only is not writable/);
      const rec = run(['recommend', '--model', model, '--out', join(ro, 'top.csv')]);
      expectOneLine(rec, /--out .*top\.csv: the folder .*read-only is not writable/);
      // A ratings file the user may not read, in every command that loads one.
      const secret = join(root, 'secret.csv');
      writeFileSync(secret, readFileSync(ratings));
      chmodSync(secret, 0o000);
      for (const args of [
        ['datasets', 'info', secret],
        ['cluster', '--data', secret],
      ]) {
        expectOneLine(run(args), /secret\.csv: permission denied/);
      }
      const tr = run(['train', '--data', ratings, '--algo', 'baseline', '--out', join(ro, 'm')]);
      expectOneLine(tr, /read-only\/m: cannot be created, .*read-only is not writable/);
      expect(readdirSync(ro)).toEqual([]);
    },
  );
});

describe('flags and parameters (issue 20 item 10)', () => {
  test('recommend --threads must be a positive integer', async () => {
    for (const t of ['-1', 'abc', '0', '1.5']) {
      expectOneLine(
        await cli(['recommend', '--model', model, '--threads', t]),
        /--threads must be an integer from 1 to 1024/,
      );
    }
    const ok = await cli(['recommend', '--model', model, '--threads', '2', '--users', '1', '--json']);
    expect(ok.code).toBe(0);
  });

  test('--param __proto__, constructor and prototype are not parameter names', async () => {
    for (const name of ['__proto__', 'constructor', 'prototype']) {
      expectOneLine(
        await cli(['train', '--data', ratings, '--algo', 'baseline', '--out', join(root, 'p'), '--param', `${name}=1`]),
        new RegExp(`"${name}" is not a parameter name`),
      );
    }
    expect(existsSync(join(root, 'p'))).toBe(false);
  });

  test('train and evaluate read --scale and --skip-bad: a rating of 99 is an error, or skipped when asked', async () => {
    const bad = join(root, 'bad.csv');
    writeFileSync(bad, `${readFileSync(ratings, 'utf8')}3,5,99\n`);
    const out = join(root, 'scaled');
    const refused = await cli(['train', '--data', bad, '--algo', 'baseline', '--out', out, '--scale', '1..5']);
    expect(refused.err).toMatch(/99/);
    expect(refused.code).toBe(2);
    expect(existsSync(join(out, 'model.json'))).toBe(false);
    const skipped = await cli([
      'train',
      '--data',
      bad,
      '--algo',
      'baseline',
      '--out',
      out,
      '--scale',
      '1..5',
      '--skip-bad',
    ]);
    expect(skipped.code).toBe(0);
    expect((await loadModel(out)).scale).toEqual({ min: 1, max: 5 });
    const ev = await cli([
      'evaluate',
      '--data',
      bad,
      '--algo',
      'baseline',
      '--folds',
      '2',
      '--k',
      '0',
      '--scale',
      '1..5',
    ]);
    expect(ev.err).toMatch(/99/);
    expect(ev.code).toBe(2);
    const evSkip = await cli([
      'evaluate',
      '--data',
      bad,
      '--algo',
      'baseline',
      '--folds',
      '2',
      '--k',
      '0',
      '--scale',
      '1..5',
      '--skip-bad',
      '--json',
    ]);
    expect(evSkip.code).toBe(0);
    expect(JSON.parse(evSkip.out).dataset.scale).toEqual({ min: 1, max: 5 });
  });
});
