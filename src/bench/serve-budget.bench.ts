import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { start, stop, trainModel } from './serve.bench.js';
import { median } from './stats.js';

export interface ServeBudgetOptions {
  /** Quick: one fork, one pair of 1 s rounds per case, no idle spell (checks the cases run). */
  quick?: boolean | undefined;
  /** Folder holding ml-latest-small ($RECKIT_DATA_DIR); a synthetic model is used when absent. */
  dataDir?: string | undefined;
  /** Fresh with/without process pairs per case (default 3, quick 1). */
  forks?: number | undefined;
  /** with/without pairs of rounds per fork (default 2, quick 1). */
  pairRounds?: number | undefined;
  /** Seconds per round (default 2, quick 1). */
  pairSeconds?: number | undefined;
  /** Idle seconds before measuring the memory-reducer case (default 20). */
  idleSeconds?: number | undefined;
  connections?: number | undefined;
  log?: ((line: string) => void) | undefined;
}

/** One budget case: the same server with and without one mechanism, in the same run. */
interface BudgetCase {
  mechanism: string;
  /** The server with the mechanism and the server without it. */
  with: Variant;
  without: Variant;
  /** Both servers sit idle after warming up (the memory reducer acts on idle heaps). */
  idle?: boolean;
}

interface Variant {
  /** Node flags of the server process. */
  flags: string[];
}

/**
 * The mechanisms still measured. The first version of this suite also held the WebAssembly dot
 * product, the raw-header parser, the IncomingMessage subclass and flat header lists; none showed a
 * gain beyond the control's spread in two runs. Three were removed; the subclass stays because the
 * drain relies on it, so it has no plain twin left to measure against (docs/benchmarks.md).
 */
const CASES: readonly BudgetCase[] = [
  // The control: the same server on both sides. Its spread is the noise the others must beat.
  { mechanism: 'none (same server twice)', with: { flags: [] }, without: { flags: [] } },
  { mechanism: '--no-memory-reducer', with: { flags: ['--no-memory-reducer'] }, without: { flags: [] }, idle: true },
];

/** One round of load on one server. */
interface Round {
  requestsPerSecond: number;
  /** The server process's CPU time (all its threads) per request answered, in microseconds. */
  cpuMicrosPerRequest: number;
  errors: number;
  non2xx: number;
}

export interface ServeBudgetResult {
  suite: 'serve-budget';
  group: string;
  impl: string;
  dataset: string;
  connections: number;
  seconds: number;
  rounds: number;
  requestsPerSecond: number;
  requestsPerSecondRounds: number[];
  cpuMicrosPerRequest: number;
  /** Server CPU per request without the mechanism over with it, median of the pairs (1 = no gain). */
  cpuGain: number;
  cpuGainMin: number;
  cpuGainMax: number;
  /** Requests/s with the mechanism over without it, median of the pairs. */
  rpsGain: number;
  rpsGainMin: number;
  rpsGainMax: number;
  errors: number;
  non2xx: number;
  notes: string;
}

/**
 * The serving complexity budget: each mechanism kept to bring `reckit serve` closer to a bare
 * node:http server, measured against the same server without it (single text/csv predictions,
 * autocannon -c 32 over loopback), in ABBA pairs of rounds on fresh processes (forks), beside a
 * control case with the same server on both sides. Two figures per pair: the server's CPU time
 * per request (read from /proc, so less bent by other processes than throughput) and requests/s.
 * A mechanism earns its place when its gain stands clear of the control's spread in repeated
 * runs (docs/benchmarks.md). Needs the built dist/ and Linux.
 */
export async function runServeBudgetBench(o: ServeBudgetOptions = {}): Promise<ServeBudgetResult[]> {
  const connections = o.connections ?? 32;
  const forks = o.forks ?? (o.quick ? 1 : 3);
  const pairRounds = o.pairRounds ?? (o.quick ? 1 : 2);
  const seconds = o.pairSeconds ?? (o.quick ? 1 : 2);
  const idleSeconds = o.idleSeconds ?? (o.quick ? 0 : 20);
  const dir = mkdtempSync(join(tmpdir(), 'reckit-serve-budget-'));
  const children: ChildProcess[] = [];
  const out: ServeBudgetResult[] = [];
  try {
    const { dataset, users, items } = await trainModel(join(dir, 'model'), o.dataDir);
    const body = `${users[0]},${items[1]}\n`;
    const load = async (server: Server, duration: number): Promise<Round> => {
      const cpu0 = cpuNanos(server.pid);
      const r = await autocannon({
        url: `http://127.0.0.1:${server.port}/invocations`,
        method: 'POST',
        headers: { 'content-type': 'text/csv' },
        body,
        connections,
        duration,
      });
      const cpu = cpuNanos(server.pid) - cpu0;
      return {
        requestsPerSecond: r.requests.total / r.duration,
        cpuMicrosPerRequest: cpu / 1000 / Math.max(1, r.requests.total),
        errors: r.errors + r.timeouts,
        non2xx: r.non2xx,
      };
    };
    // `reckit serve` itself: Node flags go on its command line, as a user passes them.
    const cli = resolve('bin/reckit.js');
    const serveArgs = ['serve', '--model', join(dir, 'model'), '--port', '0', '--host', '127.0.0.1'];
    const startVariant = async (v: Variant): Promise<Server> => {
      const port = await start([...v.flags, cli, ...serveArgs], children, undefined);
      return { port, pid: children[children.length - 1]?.pid as number };
    };
    for (const c of CASES) {
      const withRounds: Round[] = [];
      const withoutRounds: Round[] = [];
      // Fresh processes per fork: one server start can stay far faster or slower than the next
      // for its whole life, so a single pair of processes can show a "gain" either way.
      for (let f = 0; f < forks; f++) {
        const withFirst = f % 2 === 0;
        const first = await startVariant(withFirst ? c.with : c.without);
        const second = await startVariant(withFirst ? c.without : c.with);
        const [withServer, withoutServer] = withFirst ? [first, second] : [second, first];
        await load(withServer, 1);
        await load(withoutServer, 1);
        if (c.idle && idleSeconds > 0) await sleep(idleSeconds * 1000);
        for (let r = 0; r < pairRounds; r++) {
          const withNow = r % 2 === 0;
          const a = await load(withNow ? withServer : withoutServer, seconds);
          const b = await load(withNow ? withoutServer : withServer, seconds);
          withRounds.push(withNow ? a : b);
          withoutRounds.push(withNow ? b : a);
        }
        await Promise.all(children.splice(0, 2).map(stop));
      }
      const other = (i: number) => withoutRounds[i]!;
      const cpuGains = withRounds.map((w, i) => other(i).cpuMicrosPerRequest / w.cpuMicrosPerRequest);
      const rpsGains = withRounds.map((w, i) => w.requestsPerSecond / other(i).requestsPerSecond);
      const describe = (v: Variant) => `node ${v.flags.join(' ') || '(no flags)'}`;
      const notes = `with: ${describe(c.with)}; without: ${describe(c.without)}${c.idle && idleSeconds ? `; ${idleSeconds} s idle after warm-up` : ''}`;
      const row = (impl: string, rounds: Round[]): ServeBudgetResult => ({
        suite: 'serve-budget',
        group: `budget: ${c.mechanism}`,
        impl,
        dataset,
        connections,
        seconds,
        rounds: rounds.length,
        requestsPerSecond: median(rounds.map((r) => r.requestsPerSecond)),
        requestsPerSecondRounds: rounds.map((r) => r.requestsPerSecond),
        cpuMicrosPerRequest: median(rounds.map((r) => r.cpuMicrosPerRequest)),
        cpuGain: median(cpuGains),
        cpuGainMin: Math.min(...cpuGains),
        cpuGainMax: Math.max(...cpuGains),
        rpsGain: median(rpsGains),
        rpsGainMin: Math.min(...rpsGains),
        rpsGainMax: Math.max(...rpsGains),
        errors: rounds.reduce((n, r) => n + r.errors, 0),
        non2xx: rounds.reduce((n, r) => n + r.non2xx, 0),
        notes,
      });
      out.push(row('reckit serve', withRounds), row(`without ${c.mechanism}`, withoutRounds));
      const span = (xs: number[]) =>
        `x${median(xs).toFixed(3)} (${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)})`;
      o.log?.(
        `serve-budget  ${c.mechanism.padEnd(26)} cpu/request gain ${span(cpuGains)}  req/s gain ${span(rpsGains)}  ` +
          `cpu us/request with/without ${withRounds.map((w, i) => `${w.cpuMicrosPerRequest.toFixed(0)}/${other(i).cpuMicrosPerRequest.toFixed(0)}`).join(' ')}`,
      );
    }
    return out;
  } finally {
    for (const c of children) c.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Server {
  port: number;
  pid: number;
}

/** CPU time of every thread of a process so far, in nanoseconds (/proc/<pid>/task/<tid>/schedstat). */
function cpuNanos(pid: number): number {
  let ns = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // a thread that ended between the listing and the read
    }
  }
  return ns;
}
