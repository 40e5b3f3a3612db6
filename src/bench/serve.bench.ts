import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { tableFromArrays } from 'apache-arrow';
import autocannon from 'autocannon';
import { loadDataset } from '../adapters/datasets/load-dataset.js';
import { SERVER_NODE_FLAGS } from '../adapters/sagemaker/node-flags.js';
import { SVD } from '../engine/algorithms/svd.js';
import { RatingMatrix } from '../engine/matrix/rating-matrix.js';
import { type CpuPinning, pinnedCommand, pinProcess, planPinning } from './cpu-pinning.js';
import { median } from './stats.js';

export interface ServeBenchOptions {
  /** Shorter runs (2 pairs of 2 s, then one 3 s round of batch and top-10). */
  quick?: boolean | undefined;
  /** Folder holding ml-latest-small ($RECKIT_DATA_DIR); a synthetic model is used when absent. */
  dataDir?: string | undefined;
  /** Single predictions: fresh bare and reckit server processes to measure (default 3, quick 1). */
  forks?: number | undefined;
  /** Single predictions: bare/reckit pairs of rounds per fork (default 4, quick 2). */
  pairRounds?: number | undefined;
  /** Seconds per single-prediction round, each server (default 4, quick 2). */
  pairSeconds?: number | undefined;
  /** Batch and top-10: rounds each, interleaved (default 3, quick 1). */
  rounds?: number | undefined;
  /** Seconds per batch or top-10 round (default 10, quick 3). */
  durationSeconds?: number | undefined;
  /** Concurrent connections (autocannon -c). */
  connections?: number | undefined;
  /** Pairs per batched request. */
  batchPairs?: number | undefined;
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
  /** "server cpu 1, load cpu 0" when pinned, else "unpinned"; then the servers' Node flags. */
  notes: string;
  /**
   * requests/s relative to the bare server. Single predictions: the median over pairs of this
   * round divided by the bare round beside it. Batch and top-10: each round over the bare median.
   */
  ratioToBare: number;
  ratioToBareRounds: number[];
  /** The lowest and highest per-round ratio (how far a single round can mislead). */
  ratioToBareMin: number;
  ratioToBareMax: number;
  /** This case's median requests/s over the bare server's median (unpaired; shown beside the paired ratio). */
  ratioOfMedians: number;
}

/** The baseline: node:http reading the body and answering a constant, nothing else. */
const BARE_SERVER = `require('node:http').createServer((q, s) => { q.resume(); q.on('end', () => {
  s.writeHead(200, { 'Content-Type': 'text/csv', 'Content-Length': 2 }); s.end('1\\n'); }); })
  .listen(0, '127.0.0.1', function () { console.log('listening on http://127.0.0.1:' + this.address().port); });`;

/** One kind of request sent to one server. */
interface LoadCase {
  group: string;
  impl: string;
  port: number;
  type: string;
  body: string;
  /** Predictions (or top-N lists) per request. */
  per: number;
}

/**
 * Load on `reckit serve` over loopback with autocannon, next to a bare node:http server measured
 * in the same run: single text/csv predictions, batched predictions (many pairs per request) and
 * JSON top-10 requests. Each server runs in its own process (autocannon shares the cores). Needs
 * the built CLI (dist/).
 *
 * A single round on a shared 2-vCPU machine can read 0.5x to 1.4x of the next one, so the single
 * prediction ratio comes from many short pairs: bare then reckit, then reckit then bare (ABBA), so
 * a machine speeding up or slowing down within a pair does not always favour the same side.
 */
export async function runServeBench(o: ServeBenchOptions = {}): Promise<ServeBenchResult[]> {
  const connections = o.connections ?? 32;
  const batchPairs = o.batchPairs ?? 10_000;
  const dir = mkdtempSync(join(tmpdir(), 'reckit-serve-bench-'));
  const children: ChildProcess[] = [];
  const pinning = (o.pin ?? process.env.RECKIT_BENCH_PIN === '1') ? planPinning() : undefined;
  const notes = `${pinning ? `server cpu ${pinning.server}, load cpu ${pinning.client}` : 'unpinned'}; node ${SERVER_NODE_FLAGS.join(' ')}`;
  try {
    const { dataset, users, items } = await trainModel(join(dir, 'model'), o.dataDir);
    // Both servers run under the Node flags the container gives the server (node-flags.ts), so
    // the comparison is between request handlers on one runtime configuration.
    const startBare = () => start([...SERVER_NODE_FLAGS, '-e', BARE_SERVER], children, pinning);
    const startReckit = () =>
      start(
        [
          ...SERVER_NODE_FLAGS,
          resolve('bin/reckit.js'),
          'serve',
          '--model',
          join(dir, 'model'),
          '--port',
          '0',
          '--host',
          '127.0.0.1',
        ],
        children,
        pinning,
      );
    if (pinning && !pinProcess(process.pid, pinning.client))
      throw new Error('taskset could not pin the load generator');
    const csv = { type: 'text/csv', body: `${users[0]},${items[1]}\n`, per: 1 };
    const bareCase = (port: number): LoadCase => ({ group: 'single prediction', impl: 'bare node:http', port, ...csv });
    const singleCase = (port: number): LoadCase => ({ group: 'single prediction', impl: 'reckit serve', port, ...csv });
    // Warm-up long enough for the JIT to settle and the first old-generation GC to pass.
    const warmSeconds = o.quick ? 1 : 3;
    const load = (c: LoadCase, duration: number) =>
      autocannon({
        url: `http://127.0.0.1:${c.port}/invocations`,
        method: 'POST',
        headers: { 'content-type': c.type },
        body: c.body,
        connections,
        duration,
      });

    // Single predictions, in forks (as JMH forks JVMs): a server process's JIT state and heap
    // layout can keep it a few percent faster or slower than another start of the same code for
    // its whole life, so each fork starts a fresh bare and reckit server and measures them in ABBA
    // pairs. The last fork's reckit server stays up for the batch and top-10 cases.
    const forks = o.forks ?? (o.quick ? 1 : 3);
    const pairRounds = o.pairRounds ?? (o.quick ? 2 : 4);
    const pairSeconds = o.pairSeconds ?? (o.quick ? 2 : 4);
    const bareRuns: autocannon.Result[] = [];
    const singleRuns: autocannon.Result[] = [];
    let reckit = 0;
    for (let f = 0; f < forks; f++) {
      const bare = bareCase(await startBare());
      reckit = await startReckit();
      const single = singleCase(reckit);
      await load(bare, warmSeconds);
      await load(single, warmSeconds);
      for (let r = 0; r < pairRounds; r++) {
        const first = r % 2 === 0 ? bare : single;
        const a = await load(first, pairSeconds);
        const b = await load(first === bare ? single : bare, pairSeconds);
        bareRuns.push(first === bare ? a : b);
        singleRuns.push(first === bare ? b : a);
      }
      // children holds this fork's [bare, reckit]: stop both, or only bare after the last fork.
      await Promise.all(children.splice(0, f === forks - 1 ? 1 : 2).map(stop));
    }
    const bareRps = bareRuns.map(rps);
    const k = (x: number) => `${(x / 1000).toFixed(1)}k`;
    o.log?.(
      `serve  single prediction pairs (bare/reckit req/s; ${forks} fork(s) of ${pairRounds}): ${bareRps.map((b, i) => `${k(b)}/${k(rps(singleRuns[i]!))}`).join(' ')}`,
    );

    let batch = '';
    for (let p = 0; p < batchPairs; p++) {
      batch += `${users[(p * 31) % users.length]},${items[(p * 7919) % items.length]}\n`;
    }
    const top = JSON.stringify({ instances: [{ user: users[0], top: 10 }] });
    const others: LoadCase[] = [
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

    const rounds = o.rounds ?? (o.quick ? 1 : 3);
    const duration = o.durationSeconds ?? (o.quick ? 3 : 10);
    const otherRuns: autocannon.Result[][] = others.map(() => []);
    for (const c of others) await load(c, warmSeconds);
    for (let r = 0; r < rounds; r++) {
      for (const [k, c] of others.entries()) otherRuns[k]?.push(await load(c, duration));
    }

    const bareMedian = median(bareRps);
    const rows = [
      row(
        bareCase(0), // (rows report no port)
        bareRuns,
        bareRps.map(() => 1),
      ),
      row(
        singleCase(reckit),
        singleRuns,
        singleRuns.map((x, i) => rps(x) / bareRps[i]!),
      ),
      ...others.map((c, k) => {
        const runs = otherRuns[k] ?? [];
        return row(
          c,
          runs,
          runs.map((x) => rps(x) / bareMedian),
        );
      }),
    ];
    function row(c: LoadCase, all: autocannon.Result[], ratios: number[]): ServeBenchResult {
      // Latency from a middle round (the upper one of the two when the count is even).
      const r = [...all].sort((a, b) => rps(a) - rps(b))[all.length >> 1]!;
      const medianRps = median(all.map(rps));
      const out: ServeBenchResult = {
        suite: 'serve',
        group: c.group,
        impl: c.impl,
        dataset,
        connections,
        seconds: r.duration,
        rounds: all.length,
        requestsPerSecond: medianRps,
        requestsPerSecondRounds: all.map(rps),
        itemsPerSecond: medianRps * c.per,
        p50Ms: r.latency.p50,
        p99Ms: r.latency.p99,
        errors: all.reduce((n, x) => n + x.errors + x.timeouts, 0),
        non2xx: all.reduce((n, x) => n + x.non2xx, 0),
        ratioToBare: median(ratios),
        notes,
        ratioToBareRounds: ratios,
        ratioToBareMin: Math.min(...ratios),
        ratioToBareMax: Math.max(...ratios),
        ratioOfMedians: medianRps / bareMedian,
      };
      o.log?.(
        `serve  ${c.group.padEnd(18)} ${c.impl.padEnd(15)} ${Math.round(out.requestsPerSecond).toLocaleString('en-US').padStart(8)} req/s  ` +
          `${Math.round(out.itemsPerSecond).toLocaleString('en-US').padStart(11)} items/s  p50 ${out.p50Ms} ms  p99 ${out.p99Ms} ms  ` +
          `errors ${out.errors}  non-2xx ${out.non2xx}  x${out.ratioToBare.toFixed(2)} of bare  (median of ${all.length}; medians' ratio ${out.ratioOfMedians.toFixed(2)})`,
      );
      return out;
    }
    return rows;
  } finally {
    for (const c of children) c.kill('SIGTERM');
    if (pinning) pinProcess(process.pid, pinning.all);
    rmSync(dir, { recursive: true, force: true });
  }
}

const rps = (r: autocannon.Result) => r.requests.total / r.duration;

/** SVD with Surprise's defaults on ml-latest-small when present, else on a synthetic 600 x 9000 matrix. */
export async function trainModel(
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

/** SIGTERM, then resolves once the process has exited. */
export function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Spawns a server process (pinned when planned) and resolves with its port once it prints its listening line. */
export function start(args: string[], children: ChildProcess[], pinning: CpuPinning | undefined): Promise<number> {
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
