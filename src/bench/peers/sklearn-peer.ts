import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import type { Csr } from '../../engine/kernels/signatures.js';
import type { AbsentPeer } from '../bench-run.js';
import type { RunOutcome } from '../harness.js';
import { SKLEARN_WORKER_SOURCE } from './sklearn-worker-source.js';

/** A matrix as the worker reads it: paths of raw files plus the shape. */
export type WorkerMatrix =
  | { kind: 'csr'; offsets: string; cols: string; values: string; n_rows: number; n_cols: number }
  | { kind: 'dense'; values: string; n_rows: number; n_cols: number };

const INSTALL_HINT = 'install it with `apt-get install -y python3-sklearn` (Debian) or set RECKIT_PYTHON';

/**
 * The worker's environment: the caller's, plus OMP_WAIT_POLICY=PASSIVE unless the caller set it.
 * By default libgomp's idle workers spin after each fit (getrusage: ~10 ms of CPU per fit, 0 with
 * PASSIVE; OpenBLAS's own threads measured 0 either way, so no OPENBLAS_* setting), and on a
 * 2-core machine that spin lands on the reckit run that follows: reckit k-means on ml-latest-small
 * went 0.13 s -> 0.09 s with PASSIVE (2026-11-23) while scikit-learn's own fit time did not change.
 */
export function peerEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return env.OMP_WAIT_POLICY ? { ...env } : { ...env, OMP_WAIT_POLICY: 'PASSIVE' };
}

/**
 * scikit-learn in a long-lived python3 child (see sklearn-worker-source.ts). `start()` tries
 * $RECKIT_PYTHON, `python3`, then `/usr/bin/python3` (Debian's python3-sklearn installs there, and
 * a pyenv `python3` on PATH would not see it); when none can import scikit-learn it returns why.
 */
export class SklearnPeer {
  private readonly dir = mkdtempSync(join(tmpdir(), 'reckit-bench-sk-'));
  private files = 0;
  private pending: { resolve: (line: string) => void; reject: (e: Error) => void }[] = [];

  private constructor(
    private readonly proc: ChildProcessWithoutNullStreams,
    private readonly lines: Interface,
    readonly python: string,
    readonly versions: Record<string, string>,
  ) {
    lines.on('line', (line) => this.pending.shift()?.resolve(line));
    proc.on('exit', (code) => {
      for (const p of this.pending.splice(0)) p.reject(new Error(`scikit-learn worker exited with code ${code}`));
    });
  }

  static async start(): Promise<SklearnPeer | AbsentPeer> {
    const tried: string[] = [];
    const candidates = [process.env.RECKIT_PYTHON, 'python3', '/usr/bin/python3'].filter(
      (p, i, all): p is string => Boolean(p) && all.indexOf(p) === i,
    );
    for (const python of candidates) {
      const proc = spawn(python, ['-u', '-c', SKLEARN_WORKER_SOURCE], { stdio: 'pipe', env: peerEnv() });
      const lines = createInterface({ input: proc.stdout });
      let stderr = '';
      proc.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
      });
      const first = await new Promise<string | null>((resolve) => {
        lines.once('line', resolve);
        proc.once('error', () => resolve(null));
        proc.once('exit', () => resolve(null));
      });
      try {
        const ready = first ? (JSON.parse(first) as { ready?: boolean; versions?: Record<string, string> }) : null;
        if (ready?.ready && ready.versions) return new SklearnPeer(proc, lines, python, ready.versions);
      } catch {
        // Not our JSON line: treat as a failed start, reported below.
      }
      proc.kill();
      const last = stderr.trim().split('\n').pop() ?? 'no output';
      tried.push(`${python}: ${last}`);
    }
    return { peer: 'scikit-learn', reason: `not importable (${tried.join('; ')}); ${INSTALL_HINT}` };
  }

  private write(data: ArrayBufferView): string {
    const path = join(this.dir, `m${this.files++}.bin`);
    writeFileSync(path, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    return path;
  }

  /** Writes a CSR for the worker (once per matrix; the worker caches it by request key). */
  csr(m: Csr): WorkerMatrix {
    return {
      kind: 'csr',
      offsets: this.write(m.offsets),
      cols: this.write(m.cols),
      values: this.write(m.values),
      n_rows: m.nRows,
      n_cols: m.nCols,
    };
  }

  dense(values: Float32Array, nRows: number, nCols: number): WorkerMatrix {
    return { kind: 'dense', values: this.write(values), n_rows: nRows, n_cols: nCols };
  }

  /** Raw file of a typed array (initial centroids, test triples). */
  file(data: ArrayBufferView): string {
    return this.write(data);
  }

  /** One request; the worker's own fit time and peak RSS become the run's figures. */
  async request(req: Record<string, unknown>): Promise<RunOutcome> {
    const line = await new Promise<string>((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.proc.stdin.write(`${JSON.stringify(req)}\n`);
    });
    const out = JSON.parse(line) as {
      error?: string;
      seconds: number;
      metrics: Record<string, number>;
      peak_rss_mib: number;
    };
    if (out.error) throw new Error(`scikit-learn: ${out.error}`);
    return { seconds: out.seconds, metrics: out.metrics, peakRssMiB: out.peak_rss_mib };
  }

  close(): void {
    this.lines.close();
    this.proc.stdin.end();
    this.proc.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
