import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { tableFromArrays } from 'apache-arrow';
import autocannon from 'autocannon';
import { loadDataset } from '../adapters/datasets/load-dataset.js';
import { SVD } from '../engine/algorithms/svd.js';
import { RatingMatrix } from '../engine/matrix/rating-matrix.js';
import { type CpuPinning, pinnedCommand, pinProcess, planPinning } from './cpu-pinning.js';

export interface ServeBenchOptions {
  /** Shorter runs (3 s per case instead of 10 s). */
  quick?: boolean | undefined;
  /** Folder holding ml-latest-small ($RECKIT_DATA_DIR); a synthetic model is used when absent. */
  dataDir?: string | undefined;
  /** Seconds per measured case (after a 1 s warm-up). */
  durationSeconds?: number | undefined;
  /** Concurrent connections (autocannon -c). */
  connections?: number | undefined;
  /** Pairs per batched request. */
  batchPairs?: number | undefined;
  /** Interleaved rounds per case; each case reports its median round (default 5, quick 1). */
  rounds?: number | undefined;
  /**
   * Pin the servers to the last core and autocannon to the others (default: no, as the issue's
   * reference figures were taken; RECKIT_BENCH_PIN=1 turns it on). See cpu-pinning.ts.
   */
  pin?: boolean | undefined;
  log?: ((line: string) => void) | undefined;
}

export interface ServeBenchResult {
  suite: 'serve';
  group: string;
  impl: string;
  dataset: string;
  connections: number;
  seconds: number;
  rounds: number;
  requestsPerSecond: number;
  requestsPerSecondRounds: number[];
  /** Predictions (or top-N lists) answered per second. */
  itemsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
  /** "server cpu 1, load cpu 0" when pinned, else "unpinned". */
  notes: string;
  /**
   * requests/s relative to the bare server: the median over rounds of this case's round divided by
   * the bare server's round just before it (pairs face the same machine drift).
   */
  ratioToBare: number;
  ratioToBareRounds: number[];
  /** The lowest and highest per-round ratio (how far a single round can mislead). */
  ratioToBareMin: number;
  ratioToBareMax: number;
}

/** The baseline: node:http reading the body and answering a constant, nothing else. */
const BARE_SERVER = `require('node:http').createServer((q, s) => { q.resume(); q.on('end', () => {
  s.writeHead(200, { 'Content-Type': 'text/csv', 'Content-Length': 2 }); s.end('1\\n'); }); })
  .listen(0, '127.0.0.1', function () { console.log('listening on http://127.0.0.1:' + this.address().port); });`;

/**
 * Load on `reckit serve` over loopback with autocannon, next to a bare node:http server measured
 * in the same run: single text/csv predictions, batched predictions (many pairs per request) and
 * JSON top-10 requests. Each server runs in its own process (autocannon shares the cores). Needs
 * the built CLI (dist/).
 */
export async function runServeBench(o: ServeBenchOptions = {}): Promise<ServeBenchResult[]> {
  const duration = o.durationSeconds ?? (o.quick ? 3 : 10);
  const connections = o.connections ?? 32;
  const batchPairs = o.batchPairs ?? 10_000;
  const dir = mkdtempSync(join(tmpdir(), 'reckit-serve-bench-'));
  const children: ChildProcess[] = [];
  const pinning = (o.pin ?? process.env.RECKIT_BENCH_PIN === '1') ? planPinning() : undefined;
  const notes = pinning ? `server cpu ${pinning.server}, load cpu ${pinning.client}` : 'unpinned';
  try {
    const { dataset, users, items } = await trainModel(join(dir, 'model'), o.dataDir);
    const bare = await start(['-e', BARE_SERVER], children, pinning);
    const reckit = await start(
      [resolve('bin/reckit.js'), 'serve', '--model', join(dir, 'model'), '--port', '0', '--host', '127.0.0.1'],
      children,
      pinning,
    );
    if (pinning && !pinProcess(process.pid, pinning.client))
      throw new Error('taskset could not pin the load generator');
    let batch = '';
    for (let p = 0; p < batchPairs; p++) {
      batch += `${users[(p * 31) % users.length]},${items[(p * 7919) % items.length]}\n`;
    }
    const single = `${users[0]},${items[1]}\n`;
    const top = JSON.stringify({ instances: [{ user: users[0], top: 10 }] });
    const cases = [
      { group: 'single prediction', impl: 'bare node:http', port: bare, type: 'text/csv', body: single, per: 1 },
      { group: 'single prediction', impl: 'reckit serve', port: reckit, type: 'text/csv', body: single, per: 1 },
      {
        group: `batch of ${batchPairs}`,
        impl: 'reckit serve',
        port: reckit,
        type: 'text/csv',
        body: batch,
        per: batchPairs,
      },
      { group: 'top-10', impl: 'reckit serve', port: reckit, type: 'application/json', body: top, per: 1 },
    ];
    // Interleaved rounds (bare, reckit, batch, top-10, then again): a shared, noisy machine drifts,
    // so each case reports its median round, and its ratio to bare is the median of per-round
    // ratios (each against the bare round run seconds before it).
    const rounds = o.rounds ?? (o.quick ? 1 : 5);
    const runs: autocannon.Result[][] = cases.map(() => []);
    for (let round = 0; round < rounds; round++) {
      for (const [k, c] of cases.entries()) {
        const opts = {
          url: `http://127.0.0.1:${c.port}/invocations`,
          method: 'POST' as const,
          headers: { 'content-type': c.type },
          body: c.body,
          connections,
        };
        // Warm-up long enough for the JIT to settle and the first old-generation GC to pass.
        if (round === 0) await autocannon({ ...opts, duration: o.quick ? 1 : 3 });
        runs[k]?.push(await autocannon({ ...opts, duration }));
      }
    }
    const rps = (r: autocannon.Result) => r.requests.total / r.duration;
    const medians = runs.map((rs) => [...rs].sort((a, b) => rps(a) - rps(b))[rs.length >> 1] as autocannon.Result);
    const bareRounds = (runs[0] ?? []).map(rps);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] as number;
    const out: ServeBenchResult[] = cases.map((c, k) => {
      const r = medians[k] as autocannon.Result;
      const all = runs[k] ?? [];
      const ratios = all.map((x, i) => rps(x) / (bareRounds[i] as number));
      const row: ServeBenchResult = {
        suite: 'serve',
        group: c.group,
        impl: c.impl,
        dataset,
        connections,
        seconds: r.duration,
        rounds,
        requestsPerSecond: rps(r),
        requestsPerSecondRounds: all.map(rps),
        itemsPerSecond: rps(r) * c.per,
        p50Ms: r.latency.p50,
        p99Ms: r.latency.p99,
        errors: all.reduce((n, x) => n + x.errors + x.timeouts, 0),
        non2xx: all.reduce((n, x) => n + x.non2xx, 0),
        ratioToBare: median(ratios),
        notes,
        ratioToBareRounds: ratios,
        ratioToBareMin: Math.min(...ratios),
        ratioToBareMax: Math.max(...ratios),
      };
      o.log?.(
        `serve  ${c.group.padEnd(18)} ${c.impl.padEnd(15)} ${Math.round(row.requestsPerSecond).toLocaleString('en-US').padStart(8)} req/s  ` +
          `${Math.round(row.itemsPerSecond).toLocaleString('en-US').padStart(11)} items/s  p50 ${row.p50Ms} ms  p99 ${row.p99Ms} ms  ` +
          `errors ${row.errors}  non-2xx ${row.non2xx}  x${row.ratioToBare.toFixed(2)} of bare  (median of ${rounds})`,
      );
      return row;
    });
    return out;
  } finally {
    for (const c of children) c.kill('SIGTERM');
    if (pinning) pinProcess(process.pid, pinning.all);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** SVD with Surprise's defaults on ml-latest-small when present, else on a synthetic 600 x 9000 matrix. */
async function trainModel(
  dir: string,
  dataDir: string | undefined,
): Promise<{ dataset: string; users: number[]; items: number[] }> {
  const real = dataDir && existsSync(join(dataDir, 'ml-latest-small', 'ratings.csv'));
  let table: ReturnType<typeof tableFromArrays>;
  if (real) {
    table = (await loadDataset(join(dataDir, 'ml-latest-small'), { items: false })).ratings;
  } else {
    const n = 100_000;
    table = tableFromArrays({
      user: Int32Array.from({ length: n }, (_, k) => 1 + ((k * 7) % 600)),
      item: Int32Array.from({ length: n }, (_, k) => 1 + ((k * 13) % 9000)),
      rating: Float32Array.from({ length: n }, (_, k) => 0.5 + (k % 10) / 2),
    });
  }
  const { matrix } = await RatingMatrix.fromTable(table);
  const model = await new SVD({ seed: 0 }).fit(matrix);
  await model.save(dir);
  return {
    dataset: real ? 'ml-latest-small' : 'synthetic 600 x 9000',
    users: Array.from(matrix.users.ids as Float64Array),
    items: Array.from(matrix.items.ids as Float64Array),
  };
}

/** Spawns a server process (pinned when planned) and resolves with its port once it prints its listening line. */
function start(args: string[], children: ChildProcess[], pinning: CpuPinning | undefined): Promise<number> {
  const [command, argv] = pinning ? pinnedCommand(pinning.server, process.execPath, args) : [process.execPath, args];
  const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((resolvePort, reject) => {
    let out = '';
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolvePort(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code} before listening: ${out}`)));
  });
}
