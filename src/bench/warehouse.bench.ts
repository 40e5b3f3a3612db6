/**
 * Warehouse I/O: rows/s to write a top-10 table (USERID + a list of 10 ids, Snowflake's VARIANT
 * array) and to read a ratings table (USERID, MOVIEID, RATING), 1M rows each (100K with --quick):
 *   reckit DuckDbWarehouse (the baseline: in-process, appender and chunk reads)
 *   SnowflakeWarehouse through the real snowflake-sdk against the REST stand-in, both bulk paths
 *   (one JSON document per batch + FLATTEN, or array binds into a temporary table).
 * The stand-in (test code, transpiled on the fly) runs in its own process and executes on DuckDB,
 * so these figures measure the driver, the wire format and reckit's conversions, not Snowflake's
 * servers or the network; docs/snowflake.md has the measured choice of bulk path.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Field, Int32, List, makeData, makeVector, Table } from 'apache-arrow';
import { DuckDbWarehouse } from '../adapters/warehouse/duckdb-warehouse.js';
import type { SnowflakeWarehouse } from '../adapters/warehouse/snowflake-warehouse.js';
import type { Warehouse } from '../adapters/warehouse/warehouse.js';
import type { CaseResult, SuiteOptions } from './bench-case.js';
import { measureSideBySide, type TimedCase } from './harness.js';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const STAND_IN_SRC = join(ROOT, 'test/support/snowflake-stand-in');
const PASSWORD = 'bench-only-password';

/** n users, each with a top-10 list of item ids. */
function topNTable(n: number): Table {
  const offsets = Int32Array.from({ length: n + 1 }, (_, r) => r * 10);
  const items = Int32Array.from({ length: n * 10 }, (_, k) => 1 + ((k * 7919) % 59_047));
  const list = makeData({
    type: new List(new Field('item', new Int32(), false)),
    length: n,
    nullCount: 0,
    valueOffsets: offsets,
    child: makeData({ type: new Int32(), length: items.length, nullCount: 0, data: items }),
  });
  return new Table({
    USERID: makeVector(Int32Array.from({ length: n }, (_, r) => r + 1)),
    TOP_10_RECOMMENDATIONS: makeVector(list),
  });
}

function ratingsTable(n: number): Table {
  return new Table({
    USERID: makeVector(Int32Array.from({ length: n }, (_, r) => 1 + (r % 162_541))),
    MOVIEID: makeVector(Int32Array.from({ length: n }, (_, r) => 1 + ((r * 31) % 59_047))),
    RATING: makeVector(Float32Array.from({ length: n }, (_, r) => 0.5 + (r % 10) / 2)),
  });
}

/** The stand-in's TypeScript, transpiled into node_modules/.cache (so its imports resolve) and started. */
async function startStandIn(): Promise<{ child: ChildProcess; port: number; account: string }> {
  if (!existsSync(STAND_IN_SRC)) throw new Error(`${STAND_IN_SRC} is missing: the bench runs from a reckit checkout`);
  const ts = (await import('typescript')).default;
  const out = join(ROOT, 'node_modules/.cache/reckit-stand-in');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'package.json'), '{"type":"module"}\n');
  for (const f of readdirSync(STAND_IN_SRC).filter((x) => x.endsWith('.ts'))) {
    const js = ts.transpileModule(readFileSync(join(STAND_IN_SRC, f), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    writeFileSync(join(out, f.replace(/\.ts$/, '.js')), js);
  }
  const child = spawn(process.execPath, [join(out, 'serve.js')], {
    env: { ...process.env, RECKIT_STAND_IN_PASSWORD: PASSWORD },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const first = await new Promise<string>((res, rej) => {
    let buf = '';
    child.stdout?.on('data', (c: Buffer) => {
      buf += c.toString();
      if (buf.includes('\n')) res(buf.split('\n')[0]!);
    });
    child.once('exit', (code) => rej(new Error(`the stand-in exited with ${code}`)));
  });
  const { port, account } = JSON.parse(first) as { port: number; account: string };
  return { child, port, account };
}

export async function runWarehouseBench(o: SuiteOptions): Promise<CaseResult[]> {
  const rows = o.quick ? 100_000 : 1_000_000;
  const runs = o.runs ?? (o.quick ? 1 : 3);
  const top = topNTable(rows);
  const ratings = ratingsTable(rows);
  const dir = mkdtempSync(join(tmpdir(), 'reckit-wh-bench-'));
  const size = `${rows.toLocaleString('en-US')} rows`;
  const standIn = await startStandIn();
  const { SnowflakeWarehouse } = await import('../adapters/warehouse/snowflake-warehouse.js');
  const open = (bulk: 'flatten' | 'binds') =>
    SnowflakeWarehouse.open(undefined, {
      account: standIn.account,
      user: 'bench',
      password: PASSWORD,
      host: '127.0.0.1',
      port: standIn.port,
      protocol: 'http',
      bulk,
    });
  const duck = await DuckDbWarehouse.open(join(dir, 'bench.duckdb'));
  const flat: SnowflakeWarehouse = await open('flatten');
  const binds: SnowflakeWarehouse = await open('binds');
  const perSecond = (s: number) => ({ rowsPerSec: rows / s });
  const timed = (wh: Warehouse, work: (wh: Warehouse) => Promise<unknown>) => async () => {
    const t0 = performance.now();
    await work(wh);
    return { metrics: perSecond((performance.now() - t0) / 1000) };
  };
  const write = (wh: Warehouse) => wh.writeTable('bench_top10', top, { mode: 'replace' });
  const read = async (wh: Warehouse) => {
    const t = await wh.readTable('bench_ratings');
    if (t.numRows !== rows) throw new Error(`read ${t.numRows} rows, expected ${rows}`);
  };
  const base = { dataset: 'synthetic', size, threads: 1 } as const;
  const cases: TimedCase[] = [
    {
      ...base,
      group: 'write top-10 table',
      name: 'write top-10 (DuckDB)',
      impl: 'reckit',
      backend: 'duckdb',
      run: timed(duck, write),
    },
    {
      ...base,
      group: 'write top-10 table',
      name: 'write top-10 (snowflake-sdk, JSON + FLATTEN)',
      impl: 'snowflake-stand-in',
      backend: 'flatten',
      run: timed(flat, write),
    },
    {
      ...base,
      group: 'write top-10 table',
      name: 'write top-10 (snowflake-sdk, array binds)',
      impl: 'snowflake-stand-in-binds',
      backend: 'binds',
      run: timed(binds, write),
    },
    {
      ...base,
      group: 'read ratings table',
      name: 'read ratings (DuckDB)',
      impl: 'reckit',
      backend: 'duckdb',
      setup: async () => {
        await duck.writeTable('bench_ratings', ratings);
      },
      run: timed(duck, read),
    },
    {
      ...base,
      group: 'read ratings table',
      name: 'read ratings (snowflake-sdk, streamRows)',
      impl: 'snowflake-stand-in',
      backend: 'streamRows',
      setup: async () => {
        await flat.writeTable('bench_ratings', ratings);
      },
      run: timed(flat, read),
    },
  ];
  try {
    return await measureSideBySide('warehouse', cases, { warmup: 0, runs });
  } finally {
    await Promise.all([duck.close(), flat.close(), binds.close()]);
    standIn.child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}
